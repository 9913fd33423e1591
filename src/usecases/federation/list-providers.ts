import type { Context } from '../../context.js'
import { findProviderOrFail } from './find-provider.js'
import { providerSummary, type ProviderSummary } from './provider-summary.js'

/** Every identity provider, by name (idp:list; the sign-in page keeps the enabled ones). */
export async function listProviders(ctx: Context): Promise<ProviderSummary[]> {
  return (await ctx.identityProviders.findIdentityProviders()).map((row) => providerSummary(ctx, row))
}

/** One identity provider (idp:show); throws federation.provider_not_found. */
export async function getProvider(ctx: Context, input: { name: string }): Promise<ProviderSummary> {
  return providerSummary(ctx, await findProviderOrFail(ctx, input.name))
}
