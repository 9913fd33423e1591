import type { Context } from '../../context.js'
import { amrForUpstreamSignIn } from '../../domain/amr.js'
import { HeimdallError } from '../../errors.js'
import { requireVerifiedEmail } from '../recovery/require-verified-email.js'
import { concludeSignIn, type LoginResult } from '../sessions/conclude-sign-in.js'

export interface SignInWithIdentityInput {
  /** What completeUpstreamSignIn answered as `signed-in` (or linkPendingIdentity, once the account is proven). */
  userId: string
  provider: string
  /** The upstream's sign-in counts as this account's second factor (domain/upstream-mfa.ts). */
  secondFactorSatisfiedUpstream: boolean
  ip?: string
}

/**
 * Turns an upstream identity's sign-in into what a password login answers (usecases/sessions/login.ts),
 * by the same rules: a disabled account is refused (auth.account_disabled), an unverified address too
 * under HEIMDALL_REQUIRE_VERIFIED_EMAIL (auth.email_not_verified); a user with a second factor is asked
 * for it unless the upstream's multi-factor sign-in is trusted; a role that requires a factor makes a
 * user without one enrol; else a session whose amr is ["fed"] (["fed", "mfa"] when trusted:
 * domain/amr.ts amrForUpstreamSignIn). Audited as a login is, with the provider's name.
 */
export async function signInWithIdentity(ctx: Context, input: SignInWithIdentityInput): Promise<LoginResult> {
  const user = await ctx.users.findUserById(input.userId)
  if (!user) throw new HeimdallError('auth.invalid_credentials', 'This account no longer exists')
  const detail = { provider: input.provider, ip: input.ip }
  if (user.disabled) {
    await ctx.audit.insertAuditEvent({ type: 'login.failed', userId: user.id, detail: { reason: 'user_disabled', ...detail } })
    throw new HeimdallError('auth.account_disabled', 'Account is disabled')
  }
  await requireVerifiedEmail(ctx, user, detail)
  return concludeSignIn(ctx, user, {
    amr: amrForUpstreamSignIn(input.secondFactorSatisfiedUpstream),
    detail,
    secondFactorDone: input.secondFactorSatisfiedUpstream,
  })
}
