import { createSecretKey, hkdfSync, type KeyObject } from 'node:crypto'
import type { Knex } from 'knex'
import { heimdallResourceOf, oidcIssuerOf, type Config } from '../../config.js'
import { isAsymmetric } from '../../domain/signing-key-lifecycle.js'
import type { Clock } from '../clock.js'
import type { SecretBox } from '../data-keys/secret-box.js'
import { createSigningKeysRepository } from '../repositories/signing-keys.js'
import { createAsymmetricTokenService } from './asymmetric-token-service.js'
import { resolveJwtSecret, type ResolvedSecret } from './secret-file.js'
import { createSigningKeyStore, type SigningKeyStore } from './signing-key-store.js'
import { createTokenService, type TokenService } from './token-service.js'

export interface TokenProvider {
  /** The token service of HEIMDALL_JWT_ALG, built on first use: commands that never touch a token need no secret. */
  service(): TokenService
  /** The service if something has built it already, else undefined (builds nothing). */
  built(): TokenService | undefined
  /** The RS256 / EdDSA keys in the database; reads the data keys only to encrypt or decrypt one. */
  readonly signingKeys: SigningKeyStore
  /** Where the signing secret comes from (a path or a variable name); resolves it, so a missing or weak one throws here. */
  secretSource(): string
  /**
   * A 256-bit key for one purpose (e.g. 'csrf'), derived from the signing secret with HKDF-SHA256
   * (RFC 5869), so that every worker and instance derives the same one. Throws as secretSource() does.
   */
  derivedKey(purpose: string): KeyObject
  /** The signing secret itself, for opening what older releases sealed under it (infra/data-keys/legacy-jwt-secret.ts). */
  jwtSecret(): string
}

/**
 * Everything that signs and verifies tokens, over the database's signing keys (sealed by `box`) and the
 * JWT secret; `clock` gives iat, exp and the time they are checked against.
 */
export function createTokenProvider(config: Config, db: Knex, box: SecretBox, clock: Clock): TokenProvider {
  let tokens: TokenService | undefined
  let resolved: ResolvedSecret | undefined
  const derivedKeys = new Map<string, KeyObject>()
  const signingSecret = (): string => (resolved ??= resolveJwtSecret(config)).secret
  const signingKeys = createSigningKeyStore({
    repository: createSigningKeysRepository(db),
    box,
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
  })
  return {
    service() {
      if (tokens) return tokens
      const { jwtAlg: alg, jwtIssuer: issuer, accessTokenTtlSeconds: ttlSeconds } = config
      const oidc = config.oidcEnabled ? { issuer: oidcIssuerOf(config), audience: heimdallResourceOf(config) } : undefined
      tokens = isAsymmetric(alg)
        ? createAsymmetricTokenService({ alg, issuer, ttlSeconds, store: signingKeys, oidc, clock })
        : createTokenService({ secret: signingSecret(), issuer, ttlSeconds, oidc, clock })
      return tokens
    },
    built: () => tokens,
    jwtSecret: signingSecret,
    signingKeys,
    secretSource() {
      signingSecret()
      return resolved!.source
    },
    derivedKey(purpose) {
      let key = derivedKeys.get(purpose)
      if (key === undefined) {
        key = createSecretKey(Buffer.from(hkdfSync('sha256', signingSecret(), '', `heimdall ${purpose}`, 32)))
        derivedKeys.set(purpose, key)
      }
      return key
    },
  }
}
