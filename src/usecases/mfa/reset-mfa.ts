import type { Context } from '../../context.js'
import { sessionsEnded } from '../events/sessions-ended.js'
import { event } from '../../domain/events.js'
import { findUserByEmailOrFail } from '../users/find-user.js'

export interface MfaReset {
  email: string
  removed: { totp: boolean; recoveryCodes: number; passkeys: number }
  revokedSessions: number
}

/**
 * For an operator helping someone who lost every factor (user:mfa:reset): removes the user's TOTP
 * secret, recovery codes, passkeys and pending MFA challenges, and revokes every session at once,
 * since any of them may have been opened with the lost factor. Audited as mfa.reset.
 */
export async function resetMfa(ctx: Context, input: { email: string }): Promise<MfaReset> {
  const user = await findUserByEmailOrFail(ctx, input.email)
  const now = ctx.clock.now()
  const { totp, recoveryCodes, passkeys, revokedSessions } = await ctx.transaction(async (tx) => {
    const totp = await tx.mfa.deleteTotpByUserId(user.id)
    const recoveryCodes = await tx.mfa.deleteRecoveryCodesByUserId(user.id)
    const passkeys = await tx.passkeys.deletePasskeysByUserId(user.id)
    await tx.mfa.deleteChallengesByUserId(user.id)
    const revokedSessions = await tx.sessions.updateSessionsRevokedByUserId(user.id, 'mfa_reset', now)
    await tx.users.updateUserTouched(user.id, now)
    await tx.audit.insertAuditEvent({
      type: 'mfa.reset',
      userId: user.id,
      detail: { removed: { totp, recovery_codes: recoveryCodes, passkeys }, revoked_sessions: revokedSessions },
      emits: event('mfa.removed', { user_id: user.id, method: 'all', by: 'operator' }),
      actor: 'operator',
    }, now)
    if (revokedSessions > 0) await tx.audit.insertAuditEvent(sessionsEnded(user.id, 'admin', revokedSessions), now)
    return { totp, recoveryCodes, passkeys, revokedSessions }
  })
  await ctx.invalidate({ kind: 'user', id: user.id })
  return { email: user.email, removed: { totp, recoveryCodes, passkeys }, revokedSessions }
}
