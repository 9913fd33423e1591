import type { Context } from '../../context.js'
import { amrForPasskeyLogin } from '../../domain/amr.js'
import { isMultiFactor, requiresMultiFactor } from '../../domain/second-factor-rule.js'
import { HeimdallError } from '../../errors.js'
import type { AuthenticationResponseJSON } from '../../infra/mfa/webauthn.js'
import { requireVerifiedEmail } from '../recovery/require-verified-email.js'
import { openSession, type SessionTokens } from '../sessions/session-tokens.js'
import { assertionRefused, verifyPasskeyAssertion } from './passkey-assertion.js'

/**
 * Passwordless login with a passkey: a verified assertion opens a session whose amr is "hwk" (a
 * device-bound key) or "swk" (a synced one), plus "mfa" when the authenticator verified the user.
 * Throws passkey.invalid_response (refused, audited), auth.account_disabled, auth.email_not_verified
 * (HEIMDALL_REQUIRE_VERIFIED_EMAIL), auth.second_factor_required (403: no user verification, and a
 * role of the user is in HEIMDALL_MFA_REQUIRED_ROLES; audited as login.failed).
 * With `accountEmail` (the link page, docs/federation.md: only the account with the upstream's address
 * may be proven there), a passkey of any other account opens nothing: federation.link_other_account
 * (403, audited as login.failed with reason other_account).
 */
export async function loginWithPasskey(ctx: Context, input: { response: AuthenticationResponseJSON; ip?: string; accountEmail?: string }): Promise<SessionTokens> {
  const assertion = await verifyPasskeyAssertion(ctx, input.response, { ip: input.ip })
  if (!assertion) throw assertionRefused()
  const user = await ctx.users.findUserById(assertion.passkey.user_id)
  if (!user) throw assertionRefused()
  if (input.accountEmail !== undefined && user.email !== input.accountEmail) {
    await ctx.audit.insertAuditEvent({ type: 'login.failed', userId: user.id, detail: { reason: 'other_account', method: 'passkey', ip: input.ip } })
    // Never the other account's address: the person holds its passkey, not necessarily its name here.
    throw new HeimdallError('federation.link_other_account', 'This passkey belongs to another account here: use a passkey or the password of the account with this address')
  }
  if (user.disabled) {
    await ctx.audit.insertAuditEvent({ type: 'login.failed', userId: user.id, detail: { reason: 'user_disabled', method: 'passkey', ip: input.ip } })
    throw new HeimdallError('auth.account_disabled', 'Account is disabled')
  }
  await requireVerifiedEmail(ctx, user, { method: 'passkey', ip: input.ip })
  const amr = amrForPasskeyLogin(assertion)
  if (!isMultiFactor(amr) && requiresMultiFactor(await ctx.roles.findRoleNamesByUserId(user.id), ctx.config.mfaRequiredRoles)) {
    await ctx.audit.insertAuditEvent({ type: 'login.failed', userId: user.id, detail: { reason: 'second_factor_required', method: 'passkey', amr, ip: input.ip } })
    throw new HeimdallError(
      'auth.second_factor_required',
      'This account needs two factors: use a passkey that verifies you (PIN or biometric), or the password and a second factor',
    )
  }
  return openSession(ctx, user, {
    amr,
    event: 'login.succeeded',
    detail: { method: 'passkey', passkey_id: assertion.passkey.id, ip: input.ip },
  })
}
