import { createSecretKey, type KeyObject } from 'node:crypto'
import jwt from 'jsonwebtoken'
import type { AsymmetricAlg, JwtAlg } from '../../domain/signing-key-lifecycle.js'
import { HeimdallError } from '../../errors.js'
import { systemClock, type Clock } from '../clock.js'
import { createVerifiedTokenCache } from './verified-token-cache.js'
import type { PublicJwk } from './signing-key-store.js'

export interface AccessClaims {
  sub: string
  sid: string
  email: string
  /** Whether the address was verified when the token was signed (OpenID Connect Core 5.1's claim name). */
  email_verified?: boolean
  permissions: string[]
  /** RFC 8176 authentication method references of the session (absent on tokens issued without a login). */
  amr?: string[]
  iat: number
  exp: number
  iss: string
}

export interface IssuedToken {
  token: string
  expiresIn: number
}

export interface DecodedToken {
  header: Record<string, unknown>
  payload: Record<string, unknown>
}

const ALGORITHM = 'HS256'
/** Header parameters that point at a key: Heimdall only ever uses its own, so their presence is an attack. */
export const FORBIDDEN_HEADER_PARAMS = ['jku', 'jwk', 'x5u', 'x5c', 'x5t', 'crit']
/** How far in the future an iat may lie (clock skew between hosts). */
export const MAX_IAT_SKEW_SECONDS = 60

export type TokenClaims = Pick<AccessClaims, 'sub' | 'sid' | 'email' | 'permissions' | 'amr'> & { email_verified: boolean }

/**
 * How long a token lives: its lifetime (seconds; the configured one unless the caller asks for
 * another, as token:issue's --ttl does), never past the end of the session it is bound to (epoch
 * milliseconds), so that a service verifying it locally (JWKS) never accepts it after its session ends.
 */
export interface TokenLifetime {
  sessionEndsAt: number
  ttlSeconds?: number
  /** When the lifetime starts (epoch milliseconds; default: now): the moment the session was opened, for a token that ends with it. */
  issuedAt?: number
}

/**
 * iat, and exp after the lifetime or at the session's end, whichever comes first (whole seconds, RFC
 * 7519 NumericDate); `nowMs` (epoch milliseconds) is when a lifetime without issuedAt starts.
 */
export function tokenTimes(lifetime: TokenLifetime, defaultTtlSeconds: number, nowMs: number): { iat: number; exp: number } {
  const iat = Math.floor((lifetime.issuedAt ?? nowMs) / 1000)
  const exp = Math.max(iat, Math.min(iat + (lifetime.ttlSeconds ?? defaultTtlSeconds), Math.floor(lifetime.sessionEndsAt / 1000)))
  return { iat, exp }
}

/**
 * What a verified token tells validation: who, which session, when, and how the session was
 * authenticated (amr, [] when the token has none). Its email and permissions are left out on purpose:
 * validation answers with the session's current ones, so that a role change applies at once, and each
 * cached token is that much smaller. amr never changes during a session, so it is read from the token:
 * the hot path needs no database read for it.
 */
export type VerifiedClaims = Pick<AccessClaims, 'sub' | 'sid' | 'iat' | 'exp' | 'iss'> & {
  amr: readonly string[]
  /** The OAuth client an access token of Heimdall's OpenID provider was issued to; absent on Heimdall's own tokens. */
  client_id?: string
}

/**
 * RFC 9068 access tokens that Heimdall's OpenID provider issues for Heimdall's own resource (RFC 8707):
 * signed with the token service's key, they are accepted as Heimdall's own when their iss is the
 * provider's issuer, their typ at+jwt and their aud names the resource. See checkedIssuer().
 */
export interface OidcResourceTokens {
  /** The provider's issuer, `${HEIMDALL_PUBLIC_URL}/oidc`. */
  issuer: string
  /** Heimdall's resource identifier, HEIMDALL_PUBLIC_URL. */
  audience: string
}

/** How Heimdall's OpenID provider signs access tokens for Heimdall so that the token service verifies them. */
export type ProviderSigning = { alg: 'HS256'; key: KeyObject } | { alg: AsymmetricAlg }

/** Signs and verifies access tokens: HS256 here, RS256 / EdDSA in asymmetric-tokens.ts. */
export interface TokenService {
  readonly alg: JwtAlg
  /** Signs for the configured lifetime unless the caller asks for another (token:issue's --ttl). */
  sign(claims: TokenClaims, lifetime: TokenLifetime): Promise<IssuedToken>
  /**
   * Verifies signature, pinned algorithm, header, exp, nbf, iat and issuer; throws (or rejects with)
   * token.expired or token.invalid. Synchronous on the hot path: a promise only when keys must be loaded.
   */
  verify(token: string): VerifiedClaims | Promise<VerifiedClaims>
  /** Loads the signing key, creating one if there is none: servers call it at start-up. */
  prepare(): Promise<void>
  /** Re-reads the keys, to follow a rotation made by another process. */
  reload(): Promise<void>
  /** The public keys to publish at /.well-known/jwks.json: none for HS256. */
  publicJwks(): Promise<PublicJwk[]>
  /**
   * How Heimdall's OpenID provider signs access tokens for Heimdall's own resource: with this
   * service's HS256 key, or with this service's algorithm (the provider's keystore holds the same
   * keys, under the same kids).
   */
  providerSigning(): ProviderSigning
}

/**
 * HS256 over the UTF-8 bytes of the secret; the key is a KeyObject because string keys verify ~50x
 * slower. `clock` (default: the system clock) gives iat and exp, and the time exp, nbf and iat are
 * checked against (jsonwebtoken's clockTimestamp).
 */
export function createTokenService(options: { secret: string; issuer: string; ttlSeconds: number; oidc?: OidcResourceTokens; verifiedCacheSize?: number; clock?: Clock }): TokenService {
  const key: KeyObject = createSecretKey(Buffer.from(options.secret, 'utf8'))
  const clock = options.clock ?? systemClock
  const verifiedTokens = createVerifiedTokenCache<VerifiedClaims>(options.verifiedCacheSize ?? 200_000)

  return {
    alg: ALGORITHM,

    async sign(claims, lifetime) {
      const { iat, exp } = tokenTimes(lifetime, options.ttlSeconds, clock.now())
      const token = jwt.sign({ sid: claims.sid, email: claims.email, email_verified: claims.email_verified, permissions: claims.permissions, ...amrClaim(claims), iat, exp }, key, {
        algorithm: ALGORITHM,
        subject: claims.sub,
        issuer: options.issuer,
      })
      return { token, expiresIn: exp - iat }
    },

    verify(token: string): VerifiedClaims {
      const nowSeconds = Math.floor(clock.now() / 1000)
      const cached = verifiedTokens.get(token, nowSeconds)
      if (cached) return cached
      const claims = verifySignedToken(token, nowSeconds)
      verifiedTokens.set(token, claims)
      return claims
    },

    async prepare() {},
    async reload() {},
    async publicJwks() {
      return []
    },
    providerSigning: () => ({ alg: ALGORITHM, key }),
  }

  /** The full check, for a token not seen before. */
  function verifySignedToken(token: string, nowSeconds: number): VerifiedClaims {
    let verified: jwt.Jwt
    try {
      verified = jwt.verify(token, key, { algorithms: [ALGORITHM], complete: true, clockTimestamp: nowSeconds })
    } catch (error) {
      throw toTokenError(error)
    }
    const header = verified.header as unknown as Record<string, unknown>
    assertNoForbiddenHeader(header)
    return checkedIssuer(header, verified.payload, options.issuer, options.oidc, nowSeconds)
  }
}

/** The amr member of a payload: only when the session has methods to report. */
export function amrClaim(claims: TokenClaims): { amr?: string[] } {
  return claims.amr && claims.amr.length > 0 ? { amr: claims.amr } : {}
}

const NO_AMR: readonly string[] = Object.freeze([])

export function assertNoForbiddenHeader(header: Record<string, unknown>): void {
  const forbidden = FORBIDDEN_HEADER_PARAMS.find((param) => param in header)
  if (forbidden) throw new HeimdallError('token.invalid', `Token header must not carry "${forbidden}"`)
}

const ACCESS_TOKEN_TYPE = /^(application\/)?at\+jwt$/i
const INVALID_ISSUER = 'Token is invalid: jwt issuer invalid. expected: '

/**
 * The claims of a token whose signature checked out, by its issuer: Heimdall's own (HEIMDALL_JWT_ISSUER,
 * never typed at+jwt), or, when `oidc` is given, an RFC 9068 access token of Heimdall's OpenID
 * provider for Heimdall's own resource (typ at+jwt or application/at+jwt, section 4; aud naming the
 * resource; a client_id). Whatever else the provider signs with the same key (ID tokens, signed
 * userinfo, access tokens for another audience) is refused. `nowSeconds` (epoch seconds) bounds iat.
 * Throws token.invalid.
 */
export function checkedIssuer(header: Record<string, unknown>, payload: string | jwt.JwtPayload, issuer: string, oidc: OidcResourceTokens | undefined, nowSeconds: number): VerifiedClaims {
  const iss = typeof payload === 'string' ? undefined : payload.iss
  if (iss === issuer) {
    if (header.typ !== 'JWT' && isAccessTokenType(header.typ)) throw new HeimdallError('token.invalid', 'Token is invalid: Heimdall does not type its own tokens at+jwt')
    return checkedClaims(payload, nowSeconds)
  }
  if (oidc === undefined || iss !== oidc.issuer || typeof payload === 'string') throw new HeimdallError('token.invalid', INVALID_ISSUER + issuer)
  if (!isAccessTokenType(header.typ)) throw new HeimdallError('token.invalid', 'Token of the OpenID provider is not an access token (typ at+jwt)')
  const aud = payload.aud
  if (!(aud === oidc.audience || (Array.isArray(aud) && aud.includes(oidc.audience)))) throw new HeimdallError('token.invalid', 'Token of the OpenID provider is not for Heimdall (aud)')
  if (typeof payload.client_id !== 'string') throw new HeimdallError('token.invalid', 'Token is missing required claims')
  return { ...checkedClaims(payload, nowSeconds), client_id: payload.client_id }
}

function isAccessTokenType(typ: unknown): boolean {
  return typeof typ === 'string' && ACCESS_TOKEN_TYPE.test(typ)
}

/** The claims every access token must carry, with an iat not too far past `nowSeconds` (epoch seconds). */
export function checkedClaims(payload: string | jwt.JwtPayload, nowSeconds: number): VerifiedClaims {
  if (!isAccessClaims(payload)) throw new HeimdallError('token.invalid', 'Token is missing required claims')
  if (payload.iat > nowSeconds + MAX_IAT_SKEW_SECONDS) throw new HeimdallError('token.invalid', 'Token is issued in the future')
  const amr = payload.amr === undefined ? NO_AMR : Object.freeze([...payload.amr])
  return { sub: payload.sub, sid: payload.sid, iat: payload.iat, exp: payload.exp, iss: payload.iss, amr }
}

/** Reads a token without trusting it: for inspection only, never for a decision. */
export function decodeUnverified(token: string): DecodedToken | undefined {
  const decoded = jwt.decode(token, { complete: true })
  if (!decoded || typeof decoded.payload === 'string') return undefined
  return { header: { ...decoded.header }, payload: decoded.payload as Record<string, unknown> }
}

function toTokenError(error: unknown): HeimdallError {
  if (error instanceof jwt.TokenExpiredError) return new HeimdallError('token.expired', 'Token has expired')
  if (error instanceof jwt.NotBeforeError) return new HeimdallError('token.invalid', 'Token is not valid yet')
  if (error instanceof jwt.JsonWebTokenError) {
    const reason = error.message === 'invalid signature' ? 'Token signature is invalid' : `Token is invalid: ${error.message}`
    return new HeimdallError('token.invalid', reason)
  }
  return new HeimdallError('token.invalid', 'Token is invalid')
}

function isAccessClaims(payload: string | jwt.JwtPayload): payload is AccessClaims {
  if (typeof payload === 'string') return false
  return (
    typeof payload.sub === 'string' &&
    typeof payload.sid === 'string' &&
    typeof payload.email === 'string' &&
    Array.isArray(payload.permissions) &&
    (payload.amr === undefined || (Array.isArray(payload.amr) && payload.amr.every((method: unknown) => typeof method === 'string'))) &&
    typeof payload.exp === 'number' &&
    typeof payload.iat === 'number'
  )
}
