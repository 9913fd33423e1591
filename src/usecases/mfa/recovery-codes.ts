import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { generateRecoveryCodes, recoveryCodeHash } from '../../infra/mfa/recovery-codes.js'
import { confirmPassword } from './confirm-password.js'
import { findEnrolledFactors, hasSecondFactor } from './factors.js'
import type { Principal } from './principal.js'

/**
 * Replaces every recovery code of the user with 10 new ones, shown this once (only hashes are kept).
 * Requires the password and a second factor (mfa.not_enrolled: codes alone would be no factor).
 */
export async function replaceRecoveryCodes(ctx: Context, principal: Principal, input: { password: string; ip?: string }): Promise<{ recoveryCodes: string[] }> {
  const user = await confirmPassword(ctx, principal, input.password, input.ip)
  if (!hasSecondFactor(await findEnrolledFactors(ctx, user.id))) {
    throw new HeimdallError('mfa.not_enrolled', 'Enrol TOTP or a passkey first: recovery codes stand in for a second factor')
  }
  const recoveryCodes = generateRecoveryCodes()
  await ctx.mfa.replaceRecoveryCodes(user.id, recoveryCodes.map(recoveryCodeHash), ctx.clock.now())
  await ctx.audit.insertAuditEvent({ type: 'mfa.recovery_codes.replaced', userId: user.id, sessionId: principal.sessionId, detail: { ip: input.ip } })
  return { recoveryCodes }
}
