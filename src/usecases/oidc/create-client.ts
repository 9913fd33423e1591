import { randomBytes } from 'node:crypto'
import { event } from '../../domain/events.js'
import type { Context } from '../../context.js'
import { checkClientRegistration, type ClientRegistration } from '../../domain/oauth-client.js'
import { validationError } from '../../errors.js'
import { hashClientSecret, type StoredClientMetadata } from '../../infra/oidc/client-metadata.js'
import { knownClientScopes } from './known-client-scopes.js'
import { OIDC_SCOPES } from './scopes.js'

export interface CreateClientInput extends ClientRegistration {
  /** A first-party client (one the operator runs) skips the consent page. */
  firstParty: boolean
}

export interface CreatedClient {
  clientId: string
  /** Shown this once, stored only as a hash; undefined for a public client. */
  clientSecret: string | undefined
  /** The grants in their full names (device_code as urn:ietf:params:oauth:grant-type:device_code). */
  grants: string[]
  /** The scopes the client may ask for: those given, or the grants' usual ones (usualScopesOf). */
  scopes: string[]
}

/**
 * Registers an OAuth / OpenID Connect client (the CLI's client:create); without scopes, the grants'
 * usual ones (domain/oauth-client.ts usualScopesOf). Public clients authenticate
 * with PKCE alone (token_endpoint_auth_method none); confidential ones get a 256-bit secret. Audited
 * as client.created. Throws validation.failed with one entry per problem (see domain/oauth-client.ts).
 */
export async function createClient(ctx: Context, input: CreateClientInput): Promise<CreatedClient> {
  const oidc = new Set<string>(OIDC_SCOPES)
  const permissions = new Set([...(await knownClientScopes(ctx))].filter((scope) => !oidc.has(scope)))
  const { problems, grants, scopes } = checkClientRegistration(input, { oidc, permissions })
  if (problems.length > 0) throw validationError(problems)
  // Hex, not base64url: an id may start with '-', and `heimdall client:show -Q0u...` then reads it as a flag.
  const clientId = randomBytes(16).toString('hex')
  const clientSecret = input.isPublic ? undefined : randomBytes(32).toString('base64url')
  const metadata: StoredClientMetadata = {
    client_name: input.name.trim(),
    redirect_uris: input.redirectUris,
    post_logout_redirect_uris: input.postLogoutRedirectUris,
    grant_types: grants,
    response_types: grants.includes('authorization_code') ? ['code'] : [],
    scope: scopes.join(' '),
    token_endpoint_auth_method: input.isPublic ? 'none' : 'client_secret_basic',
  }
  const now = ctx.clock.now()
  await ctx.transaction(async (tx) => {
    await tx.oauthClients.insertOAuthClient({
      client_id: clientId,
      name: metadata.client_name,
      secret_hash: clientSecret === undefined ? null : hashClientSecret(clientSecret),
      metadata: JSON.stringify(metadata),
      first_party: input.firstParty === true,
      created_at: now,
      updated_at: now,
    })
    const emits = event('client.created', { client_id: clientId, name: metadata.client_name, grant_types: grants, public: input.isPublic })
    await tx.audit.insertAuditEvent({ type: 'client.created', detail: { client_id: clientId, name: metadata.client_name, grants, public: input.isPublic }, emits, actor: 'operator' }, now)
  })
  return { clientId, clientSecret, grants, scopes }
}
