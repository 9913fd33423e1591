import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import type { OAuthClientRow } from '../../infra/db/tables.js'
import type { StoredClientMetadata } from '../../infra/oidc/client-metadata.js'

/** A client as an operator reads it; never its secret. Times in epoch ms. */
export interface ClientSummary {
  clientId: string
  name: string
  public: boolean
  firstParty: boolean
  redirectUris: string[]
  postLogoutRedirectUris: string[]
  grants: string[]
  scopes: string[]
  createdAt: number
  updatedAt: number
}

/** Every registered client, oldest first. */
export async function listClients(ctx: Context): Promise<ClientSummary[]> {
  return (await ctx.oauthClients.findOAuthClients()).map(summaryOf)
}

/** One client; throws client.not_found. */
export async function getClient(ctx: Context, input: { clientId: string }): Promise<ClientSummary> {
  const row = await ctx.oauthClients.findOAuthClientById(input.clientId)
  if (!row) throw new HeimdallError('client.not_found', `No client with id ${input.clientId}`)
  return summaryOf(row)
}

function summaryOf(row: OAuthClientRow): ClientSummary {
  const metadata = JSON.parse(row.metadata) as StoredClientMetadata
  return {
    clientId: row.client_id,
    name: row.name,
    public: row.secret_hash === null,
    firstParty: Boolean(row.first_party),
    redirectUris: metadata.redirect_uris,
    postLogoutRedirectUris: metadata.post_logout_redirect_uris,
    grants: metadata.grant_types,
    scopes: metadata.scope === '' ? [] : metadata.scope.split(' '),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}
