import { createHash, timingSafeEqual } from 'node:crypto'
import { allowedScopesOf } from '../../domain/oauth-client.js'
import type { OAuthClientRow } from '../db/tables.js'

/** What Heimdall keeps per client besides its secret: a subset of RFC 7591 client metadata. */
export interface StoredClientMetadata {
  client_name: string
  redirect_uris: string[]
  post_logout_redirect_uris: string[]
  grant_types: string[]
  response_types: string[]
  scope: string
  token_endpoint_auth_method: 'client_secret_basic' | 'client_secret_post' | 'none'
}

/**
 * The metadata oidc-provider validates a client with; its scope is what the client may ask for
 * (allowedScopesOf: `profile` comes with `email`). The secret is the stored SHA-256 hash: the
 * provider compares through compareClientSecretHash, and no feature that would use it as an HMAC key
 * (HS256 ID tokens, client_secret_jwt) is enabled.
 */
export function clientMetadataOf(row: OAuthClientRow): Record<string, unknown> {
  const metadata = JSON.parse(row.metadata) as StoredClientMetadata
  return {
    ...metadata,
    scope: allowedScopesOf(metadata.scope.split(' ').filter(Boolean)).join(' '),
    client_id: row.client_id,
    ...(row.secret_hash === null ? {} : { client_secret: row.secret_hash }),
  }
}

/** SHA-256 (hex) of a client secret, as stored. */
export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

/** Compares a presented secret with the stored hash in constant time. */
export function compareClientSecretHash(storedHash: string, presented: string): boolean {
  const expected = Buffer.from(storedHash, 'hex')
  const actual = createHash('sha256').update(presented).digest()
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}
