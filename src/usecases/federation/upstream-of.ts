import type { Context } from '../../context.js'
import type { IdentityProviderRow } from '../../infra/db/tables.js'
import { createUpstreamClient, type UpstreamClient } from '../../infra/federation/upstream-client.js'
import { openClientSecret } from './client-secret.js'

/** The protocol client for a provider row, its client secret opened (discovery on first use, cached). */
export async function upstreamOf(ctx: Context, provider: IdentityProviderRow): Promise<UpstreamClient> {
  return createUpstreamClient({
    id: provider.id,
    kind: provider.kind,
    preset: provider.preset,
    issuer: provider.issuer,
    apiBaseUrl: provider.api_base_url,
    clientId: provider.client_id,
    clientSecret: await openClientSecret(ctx, provider),
    scopes: provider.scopes.split(' ').filter(Boolean),
    updatedAt: Number(provider.updated_at),
  })
}
