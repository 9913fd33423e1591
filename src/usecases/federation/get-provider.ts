import type { Context } from '../../context.js'
import { findProviderOrFail } from './find-provider.js'
import { providerSummary, type ProviderSummary } from './provider-summary.js'

/** One identity provider (idp:show), never its secret; throws federation.provider_not_found. */
export async function getProvider(ctx: Context, input: { name: string }): Promise<ProviderSummary> {
  return providerSummary(ctx, await findProviderOrFail(ctx, input.name))
}
