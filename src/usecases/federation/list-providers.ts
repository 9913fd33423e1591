import type { Context } from '../../context.js'
import { providerSummary, type ProviderSummary } from './provider-summary.js'

/** Every identity provider, by name (idp:list; the sign-in page keeps the enabled ones). */
export async function listProviders(ctx: Context): Promise<ProviderSummary[]> {
  return (await ctx.identityProviders.findIdentityProviders()).map((row) => providerSummary(ctx, row))
}
