import type { Context } from '../../context.js'

/**
 * Whether a client's authorization requests may have offline_access (a refresh token) without
 * prompt=consent (OpenID Connect Core 1.0 section 11 allows it where "other conditions for processing
 * the request permitting offline access" are in place): only a first-party client registered with
 * the refresh_token grant and the offline_access scope, whose consent the operator gave by
 * registering it. False for an unknown client (the provider then refuses the request itself).
 */
export async function isOfflineAccessImplied(ctx: Context, clientId: string): Promise<boolean> {
  const row = await ctx.oauthClients.findOAuthClientById(clientId)
  if (!row?.first_party) return false
  const metadata = JSON.parse(row.metadata) as { grant_types?: string[]; scope?: string }
  return (metadata.grant_types ?? []).includes('refresh_token') && (metadata.scope ?? '').split(' ').includes('offline_access')
}
