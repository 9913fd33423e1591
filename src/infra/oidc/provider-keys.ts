import { isAsymmetric, type AsymmetricAlg } from '../../domain/signing-key-lifecycle.js'
import type { Config } from '../../config.js'
import type { SigningKeyStore } from '../tokens/signing-key-store.js'

export interface ProviderKeySet {
  /** Private JWKs (kid, alg, use: sig) of the keys that sign now, newest last. */
  keys: Array<Record<string, unknown>>
  /** The algorithm ID tokens are signed with. */
  alg: AsymmetricAlg
  /** The kids, joined: a change means `keys:rotate` ran and the provider must be rebuilt. */
  fingerprint: string
}

/**
 * The algorithm of ID tokens: HEIMDALL_JWT_ALG when it is asymmetric (one key signs both kinds of
 * token), else RS256: relying parties verify ID tokens with the public JWKS, never a shared secret.
 */
export function idTokenAlg(config: Config): AsymmetricAlg {
  return isAsymmetric(config.jwtAlg) ? config.jwtAlg : 'RS256'
}

/**
 * The provider's signing keys: Heimdall's active signing key(s) from the database, created on first
 * use, decrypted once per kid (a key older releases sealed under the JWT secret costs tens of ms of scrypt).
 */
export function createProviderKeys(config: Config, store: SigningKeyStore) {
  const decrypted = new Map<string, Record<string, unknown>>()
  return async function loadProviderKeys(): Promise<ProviderKeySet> {
    const alg = idTokenAlg(config)
    await store.ensureActive(alg, Date.now())
    const active = (await store.list()).filter((row) => row.retired_at === null && row.alg === alg)
    const keys = []
    for (const row of active) {
      let jwk = decrypted.get(row.kid)
      if (!jwk) {
        const privateJwk = (await store.privateKeyOf(row)).export({ format: 'jwk' }) as Record<string, unknown>
        jwk = { ...privateJwk, kid: row.kid, alg: row.alg, use: 'sig' }
        decrypted.set(row.kid, jwk)
      }
      keys.push(jwk)
    }
    return { keys, alg, fingerprint: active.map((row) => row.kid).join(',') }
  }
}
