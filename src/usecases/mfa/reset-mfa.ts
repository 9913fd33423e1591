import type { Context } from '../../context.js'
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
  const totp = await ctx.mfa.deleteTotpByUserId(user.id)
  const recoveryCodes = await ctx.mfa.deleteRecoveryCodesByUserId(user.id)
  const passkeys = await ctx.passkeys.deletePasskeysByUserId(user.id)
  await ctx.mfa.deleteChallengesByUserId(user.id)
  const now = ctx.clock.now()
  const revokedSessions = await ctx.sessions.updateSessionsRevokedByUserId(user.id, 'mfa_reset', now)
  await ctx.users.updateUserTouched(user.id, now)
  await ctx.invalidate({ kind: 'user', id: user.id })
  await ctx.audit.insertAuditEvent({
    type: 'mfa.reset',
    userId: user.id,
    detail: { removed: { totp, recovery_codes: recoveryCodes, passkeys }, revoked_sessions: revokedSessions },
  })
  return { email: user.email, removed: { totp, recoveryCodes, passkeys }, revokedSessions }
}
