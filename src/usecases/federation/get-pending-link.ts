import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { secretHash } from './secret-hash.js'

/**
 * What a pending link is about, without spending it: for the page that asks the person to prove the
 * account with that address. Throws federation.link_expired.
 */
export async function getPendingLink(ctx: Context, input: { pendingLinkToken: string }): Promise<{ email: string; provider: string; expiresAt: number }> {
  const pending = await ctx.federationFlows.findLivePendingLink(secretHash(input.pendingLinkToken), ctx.clock.now())
  const provider = pending && (await ctx.identityProviders.findIdentityProviderById(pending.provider_id))
  if (!pending || !provider) throw new HeimdallError('federation.link_expired', 'This link request was already used or has expired: sign in with the provider again')
  return { email: pending.email, provider: provider.name, expiresAt: Number(pending.expires_at) }
}
