import type { KeyObject } from 'node:crypto'
import type { JwtPayload } from 'jsonwebtoken'
import { isAsymmetric, type AsymmetricAlg } from '../../domain/signing-key-lifecycle.js'
import { HeimdallError } from '../../errors.js'
import { systemClock, type Clock } from '../clock.js'
import { createVerifiedTokenCache } from './verified-token-cache.js'
import { decodeJwsPayload, parseJws, signJws, verifyJwsSignature, type ParsedJws } from './jws.js'
import { publicKeyOf, type PublicJwk, type SigningKeyStore } from './signing-key-store.js'
import { amrClaim, assertNoForbiddenHeader, checkedIssuer, tokenTimes, type OidcResourceTokens, type TokenService, type VerifiedClaims } from './token-service.js'

/** Unknown kids make a process re-read the keys, but never more often than this. */
const MIN_RELOAD_INTERVAL_MS = 1000

interface VerificationKey {
  alg: AsymmetricAlg
  key: KeyObject
  jwk: PublicJwk
  /** Null while the key is active. */
  publishedUntil: number | null
}

/**
 * RS256 / EdDSA tokens signed with the newest active key in the database, verified with any published
 * key, found by the token's kid in an in-memory map: the hot path never reads the database. A token
 * whose kid is unknown (a key rotated in by another process) makes the process re-read the keys first.
 * `clock` (default: the system clock) gives iat, exp, key publication and the time they are checked
 * against; the one-reload-a-second throttle keeps to the system clock.
 */
export function createAsymmetricTokenService(options: {
  alg: AsymmetricAlg
  issuer: string
  ttlSeconds: number
  store: SigningKeyStore
  /** With OpenID Connect on: the provider's access tokens for Heimdall's own resource are accepted too. */
  oidc?: OidcResourceTokens
  verifiedCacheSize?: number
  clock?: Clock
}): TokenService {
  const { store } = options
  const clock = options.clock ?? systemClock
  const verifiedTokens = createVerifiedTokenCache<VerifiedClaims>(options.verifiedCacheSize ?? 200_000)
  let keys = new Map<string, VerificationKey>()
  let signer: { kid: string; privateKey: KeyObject } | undefined
  let initialised: Promise<void> | undefined
  let lastLoadStartedAt = -Infinity
  let running: Promise<void> = Promise.resolve()
  let scheduled: Promise<void> | undefined

  /** Creates the signing key on first use if there is none, and loads the keys. */
  function initialise(): Promise<void> {
    initialised ??= (async () => {
      await store.ensureActive(options.alg, clock.now())
      await reloadSoon()
      if (!signer) throw new HeimdallError('internal', `No active ${options.alg} signing key could be loaded`)
    })().catch((error: unknown) => {
      initialised = undefined
      throw error
    })
    return initialised
  }

  /**
   * A load that starts after this call, at most one a second: callers arriving while one is waiting
   * join it, so a burst of unknown kids (an attack, or a rotation) costs one query.
   */
  function reloadSoon(): Promise<void> {
    scheduled ??= running
      .catch(() => undefined)
      .then(async () => {
        const wait = lastLoadStartedAt + MIN_RELOAD_INTERVAL_MS - Date.now()
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
        scheduled = undefined
        lastLoadStartedAt = Date.now()
        running = load()
        return running
      })
    return scheduled
  }

  async function load(): Promise<void> {
    const rows = await store.published(clock.now())
    const next = new Map<string, VerificationKey>()
    for (const row of rows) {
      if (!isAsymmetric(row.alg)) continue
      const { key, jwk } = keys.get(row.kid) ?? publicKeyOf(row)
      next.set(row.kid, { alg: row.alg, key, jwk, publishedUntil: row.retired_at === null ? null : row.published_until })
    }
    // A key gone before its tokens expired (its publication cut short by hand) takes its tokens along.
    if ([...keys.keys()].some((kid) => !next.has(kid))) verifiedTokens.clear()
    keys = next
    const newest = rows.filter((row) => row.alg === options.alg && row.retired_at === null && row.private_key_encrypted !== null).at(-1)
    if (newest && newest.kid !== signer?.kid) signer = { kid: newest.kid, privateKey: await store.privateKeyOf(newest) }
  }

  function verifyWith(token: string, jws: ParsedJws, key: VerificationKey, nowMs: number): VerifiedClaims {
    // The key decides the algorithm: an HS256 token "signed" with a public key never gets near HMAC.
    if (jws.header.alg !== key.alg) throw invalid(`Token algorithm must be ${key.alg}`)
    assertNoForbiddenHeader(jws.header)
    if (key.publishedUntil !== null && key.publishedUntil <= nowMs) throw invalid('Token is signed with a key that is no longer published')
    if (!verifyJwsSignature(jws, key.alg, key.key)) throw invalid('Token signature is invalid')
    const payload = decodeJwsPayload(jws)
    if (!payload) throw invalid('Token payload is not a JSON object')
    const now = Math.floor(nowMs / 1000)
    if (typeof payload.exp !== 'number') throw invalid('Token is invalid: no exp claim')
    if (now >= payload.exp) throw new HeimdallError('token.expired', 'Token has expired')
    if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || payload.nbf > now)) throw invalid('Token is not valid yet')
    const claims = checkedIssuer(jws.header, payload as JwtPayload, options.issuer, options.oidc, now)
    verifiedTokens.set(token, claims)
    return claims
  }

  async function verifyAfterReload(token: string, jws: ParsedJws, kid: string): Promise<VerifiedClaims> {
    await reloadSoon()
    const key = keys.get(kid)
    if (!key) throw invalid('Token is signed with an unknown key')
    return verifyWith(token, jws, key, clock.now())
  }

  return {
    alg: options.alg,

    async sign(claims, lifetime) {
      if (!signer) await initialise()
      const { kid, privateKey } = signer!
      const { iat, exp } = tokenTimes(lifetime, options.ttlSeconds, clock.now())
      const payload = { sid: claims.sid, email: claims.email, email_verified: claims.email_verified, permissions: claims.permissions, ...amrClaim(claims), iat, exp, sub: claims.sub, iss: options.issuer }
      const token = signJws({ alg: options.alg, typ: 'JWT', kid }, payload, privateKey)
      // Outliving the usual lifetime, this token must keep its key published for longer after a rotation.
      if (exp - iat > options.ttlSeconds) await store.recordLongLivedToken(kid, exp * 1000)
      return { token, expiresIn: exp - iat }
    },

    verify(token) {
      const nowMs = clock.now()
      const cached = verifiedTokens.get(token, Math.floor(nowMs / 1000))
      if (cached) return cached
      const jws = parseJws(token)
      if (!jws) throw invalid('Token is invalid: jwt malformed')
      const kid = jws.header.kid
      if (typeof kid !== 'string' || kid === '') throw invalid('Token header has no kid')
      const key = keys.get(kid)
      return key ? verifyWith(token, jws, key, nowMs) : verifyAfterReload(token, jws, kid)
    },

    prepare: initialise,

    reload: reloadSoon,

    async publicJwks() {
      await initialise()
      const now = clock.now()
      return [...keys.values()].filter((key) => key.publishedUntil === null || key.publishedUntil > now).map((key) => key.jwk)
    },

    providerSigning: () => ({ alg: options.alg }),
  }
}

function invalid(message: string): HeimdallError {
  return new HeimdallError('token.invalid', message)
}
