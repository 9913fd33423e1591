import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { passwordFieldErrors } from '../../domain/password-policy.js'
import { validationError } from '../../errors.js'
import { findUserByEmailOrFail } from './find-user.js'
import { sessionsEnded } from '../events/sessions-ended.js'
import { clearLoginAttempts } from '../throttling/lockout.js'

/**
 * Replaces a user's password under the registration policy and revokes all of its sessions: whoever
 * held the old password (or a token got with it) is out. The account's login lockout is lifted.
 */
export async function setUserPassword(ctx: Context, input: { email: string; password: string }): Promise<{ revokedSessions: number }> {
  const user = await findUserByEmailOrFail(ctx, input.email)
  const problems = passwordFieldErrors(input.password)
  if (problems.length > 0) throw validationError(problems)

  const passwordHash = await ctx.passwords.hash(input.password)
  const now = ctx.clock.now()
  const revokedSessions = await ctx.transaction(async (tx) => {
    await tx.users.updateUserPassword(user.id, passwordHash, now)
    const revoked = await tx.sessions.updateSessionsRevokedByUserId(user.id, 'password_changed', now)
    const emits = event('password.changed', { user_id: user.id, by: 'operator', revoked_sessions: revoked })
    await tx.audit.insertAuditEvent({ type: 'user.password_set', userId: user.id, detail: { revoked_sessions: revoked }, emits, actor: 'operator' }, now)
    if (revoked > 0) await tx.audit.insertAuditEvent({ ...sessionsEnded(user.id, 'admin', revoked), actor: 'operator' }, now)
    return revoked
  })
  await ctx.invalidate({ kind: 'user', id: user.id })
  await clearLoginAttempts(ctx, user.email)
  return { revokedSessions }
}
