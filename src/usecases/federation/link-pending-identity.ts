import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { isUniqueViolation } from '../../infra/db/unique-violation.js'
import { linkIdentity } from './link-identity.js'
import { secretHash } from './secret-hash.js'

export interface LinkPendingIdentityInput {
  /** What completeUpstreamSignIn answered with link-required. */
  pendingLinkToken: string
  /** The account the person has just proven (password or passkey, and its second factor): the caller's proof. */
  userId: string
}

/**
 * Links the identity a sign-in left pending to the account the person proved, then spends the pending
 * link: single use, and only while the account still has the address the upstream gave (an address
 * changed meanwhile, or another account proven, links nothing). Audited as federation.identity_linked.
 * Throws federation.link_expired (unknown, spent, expired, or not this account's address),
 * auth.account_disabled, federation.identity_taken (linked to someone meanwhile).
 */
export async function linkPendingIdentity(ctx: Context, input: LinkPendingIdentityInput): Promise<{ userId: string; provider: string; returnTo: string | null; interactionUid: string | null }> {
  const hash = secretHash(input.pendingLinkToken)
  const now = ctx.clock.now()
  const pending = await ctx.federationFlows.findLivePendingLink(hash, now)
  if (!pending) throw new HeimdallError('federation.link_expired', 'This link request was already used or has expired: sign in with the provider again')
  const user = await ctx.users.findUserById(input.userId)
  if (!user || user.email !== pending.email) {
    throw new HeimdallError('federation.link_expired', 'The account proven is not the one with the provider\'s address: sign in with the provider again')
  }
  if (user.disabled) throw new HeimdallError('auth.account_disabled', 'Account is disabled')
  const provider = await ctx.identityProviders.findIdentityProviderById(pending.provider_id)
  if (!provider || !(await ctx.federationFlows.consumePendingLink(hash, now))) {
    throw new HeimdallError('federation.link_expired', 'This link request was already used or has expired: sign in with the provider again')
  }
  try {
    await linkIdentity(ctx, user.id, provider, { subject: pending.subject }, pending.email, 'proven', now)
  } catch (error) {
    if (isUniqueViolation(error)) throw new HeimdallError('federation.identity_taken', `This ${provider.name} identity is already linked to an account`)
    throw error
  }
  return { userId: user.id, provider: provider.name, returnTo: pending.return_to, interactionUid: pending.interaction_uid }
}
