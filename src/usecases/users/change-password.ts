import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { passwordFieldErrors } from '../../domain/password-policy.js'
import { validationError } from '../../errors.js'
import { confirmPassword } from '../mfa/confirm-password.js'
import type { AccountSession } from '../sessions/account-session.js'
import { sessionsEnded } from '../events/sessions-ended.js'

/**
 * Self-service password change: the current password first (out of the lockout budget), the new one
 * under the registration policy (validation.failed at ["body", "password"]); every other session ends,
 * since whoever had the old password may hold one. Answers how many were revoked.
 */
export async function changePassword(
  ctx: Context,
  account: AccountSession,
  input: { currentPassword: string; newPassword: string; ip?: string },
): Promise<{ revokedSessions: number }> {
  const user = await confirmPassword(ctx, account, input.currentPassword, input.ip)
  const problems = passwordFieldErrors(input.newPassword)
  if (problems.length > 0) throw validationError(problems)
  const now = ctx.clock.now()
  const passwordHash = await ctx.passwords.hash(input.newPassword)
  const revokedSessions = await ctx.transaction(async (tx) => {
    await tx.users.updateUserPassword(user.id, passwordHash, now)
    const revoked = await tx.sessions.updateSessionsRevokedByUserIdExcept(user.id, account.sessionId, 'password_changed', now)
    await tx.audit.insertAuditEvent({
      type: 'user.password_changed',
      userId: user.id,
      sessionId: account.sessionId,
      detail: { revoked_sessions: revoked, ip: input.ip },
      emits: event('password.changed', { user_id: user.id, by: 'self', revoked_sessions: revoked }),
      actor: `user:${user.id}`,
    }, now)
    // The owner's other sessions end with the old password, as a logout-all but the current one.
    if (revoked > 0) await tx.audit.insertAuditEvent({ ...sessionsEnded(user.id, 'logout-all', revoked), actor: `user:${user.id}` }, now)
    return revoked
  })
  await ctx.invalidate({ kind: 'user', id: user.id })
  return { revokedSessions }
}
