import { createRemoteJWKSet, customFetch, errors, jwtVerify, type JWTPayload } from 'jose'
import { refused, type Validation } from './answer.js'
import type { RevocationSet } from './revocations.js'
import { createVerifiedTokens, type VerifiedToken } from './verified-tokens.js'

export interface VerifierOptions {
  /** Heimdall's JWKS, e.g. `https://auth.example.com/.well-known/jwks.json`. */
  jwksUri: string | URL
  /** The `iss` of Heimdall's own access tokens (HEIMDALL_JWT_ISSUER, `heimdall` by default). */
  issuer: string
  /**
   * Accept also the RFC 9068 `at+jwt` access tokens of Heimdall's OpenID provider for this resource:
   * its issuer (`HEIMDALL_PUBLIC_URL/oidc`) and the audience they are issued for (HEIMDALL_PUBLIC_URL).
   */
  oidc?: { issuer: string; audience: string }
  /**
   * What has been revoked (createRevocationSet, fed by a revocation stream), and why it cannot be
   * trusted now, if so (a stream silent for longer than its bound): then every token is refused with
   * `verifier.unavailable` (fail closed). Without it, a revoked session's tokens stay valid until
   * they expire.
   */
  revocations?: { set: RevocationSet; unavailable(): string | undefined }
  /** Leeway for `exp`, `nbf` and `iat`, seconds (default 0). */
  clockToleranceSeconds?: number
  /**
   * How long after reading the JWKS an unknown `kid` may not make it read the keys again, milliseconds
   * (default 5000): a key rotated in at Heimdall is found within this, and a flood of forged kids costs
   * Heimdall one request per interval.
   */
  jwksCooldownMs?: number
  /** The time tokens are checked against, epoch milliseconds (default Date.now). */
  now?: () => number
  /**
   * Tokens verified already that are kept so that the same token skips the signature check next time,
   * entries (default 10,000; 0: no cache, every call checks the signature). Past it the oldest entry
   * goes first. A hit still checks the stream's state, `exp` and `nbf` (with the same tolerance) and
   * the revocation set; only valid tokens signed with a `kid` the JWKS still publishes are kept.
   */
  cacheMaxEntries?: number
  /**
   * How long a verified token is kept at most, milliseconds (default 600,000, ten minutes), and never
   * past its `exp`: after it, the token's signature is checked again. createVerifier throws a
   * TypeError for a negative or NaN value, and for a `cacheMaxEntries` that is not a whole number 0 or more.
   */
  cacheMaxAgeMs?: number
}

/** What the verifier's cache of verified tokens holds and has answered since it was created. */
export interface VerifierStats {
  /** Tokens held now. */
  cached: number
  /** Verifications answered from the cache (no signature check). */
  hits: number
  /** Verifications that checked the signature (the token was not in the cache, or the cache is off). */
  misses: number
}

export interface Verifier {
  /**
   * Verifies an access token locally: signature (RS256 or EdDSA, by Heimdall's published keys), issuer,
   * type (`JWT` for Heimdall's own, `at+jwt` with the audience for the provider's), expiry and the
   * claims Heimdall's tokens carry (`sub`, `sid`, `iat`, `exp`), then the revocation set. Never throws
   * for a bad token: the answer says why.
   */
  verify(token: string): Promise<Validation>
  /** The cache's size and its hits and misses so far (for metrics and tests). */
  stats(): VerifierStats
}

const ALGORITHMS = ['RS256', 'EdDSA']
const ACCESS_TOKEN_TYPE = /^(application\/)?at\+jwt$/i

/** A verifier of Heimdall's access tokens; see {@link Verifier.verify}. */
export function createVerifier(options: VerifierOptions): Verifier {
  const clockTolerance = options.clockToleranceSeconds ?? 0
  const issuers = options.oidc ? [options.issuer, options.oidc.issuer] : [options.issuer]
  const maxAgeMs = options.cacheMaxAgeMs ?? 600_000
  const maxEntries = options.cacheMaxEntries ?? 10_000
  if (!Number.isInteger(maxEntries) || maxEntries < 0) throw new TypeError(`cacheMaxEntries must be a whole number of tokens, 0 or more (got ${maxEntries})`)
  if (Number.isNaN(maxAgeMs) || maxAgeMs < 0) throw new TypeError(`cacheMaxAgeMs must be milliseconds, 0 or more (got ${maxAgeMs})`)
  const cache = createVerifiedTokens(maxEntries)
  const nowMs = options.now ?? Date.now
  let hits = 0
  let misses = 0
  // The kids of the JWKS as last read: a cached token signed with a key Heimdall no longer publishes is
  // verified again (and refused), as an uncached one would be.
  let publishedKids: ReadonlySet<string> = new Set()
  const keys = createRemoteJWKSet(new URL(options.jwksUri), {
    cooldownDuration: options.jwksCooldownMs ?? 5000,
    [customFetch]: async (url: string, init: RequestInit) => {
      const response = await fetch(url, init)
      if (response.status !== 200) return response
      // Read here, before jose applies the keys, so that no cached token outlives its key.
      const text = await response.text()
      try {
        const jwks = JSON.parse(text) as { keys?: Array<{ kid?: unknown }> }
        if (Array.isArray(jwks.keys)) {
          publishedKids = new Set(jwks.keys.map((key) => key?.kid).filter((kid): kid is string => typeof kid === 'string'))
          cache.keepOnly(publishedKids)
        }
      } catch {
        // jose refuses it with its own error.
      }
      return new Response(text, { status: response.status, headers: response.headers })
    },
  })

  /** The answer for a token of the cache, or undefined when it must be verified again. */
  function fromCache(token: string, now: number): Validation | undefined {
    const entry = cache.get(token, now)
    // Keys older than jose's cacheMaxAge are read again by a full verification, which a hit would skip.
    if (entry === undefined || !keys.fresh || !publishedKids.has(entry.kid)) return undefined
    hits++
    // jose's checks of the times (jwt_claims_set.js), to the same second and with the same tolerance.
    const seconds = Math.floor(now / 1000)
    if (entry.nbf !== undefined && entry.nbf > seconds + clockTolerance) return refused('token.invalid', 'Token is invalid: nbf check_failed')
    if (entry.exp <= seconds - clockTolerance) return refused('token.expired', 'Token has expired')
    return revokedOr(entry.answer)
  }

  function revokedOr(answer: Validation): Validation {
    if (options.revocations?.set.isRevoked({ sid: answer.session_id!, sub: answer.user_id!, iat: answer.issued_at! })) return refused('session.revoked', 'Session has been revoked')
    // A copy: what the caller does with its answer never reaches the cache.
    return { ...answer, permissions: [...answer.permissions], amr: [...answer.amr] }
  }

  async function verify(token: string): Promise<Validation> {
    const unavailable = options.revocations?.unavailable()
    if (unavailable !== undefined) return refused('verifier.unavailable', unavailable)
    if (typeof token !== 'string' || token === '') return refused('token.invalid', 'Token is missing')
    const now = nowMs()
    const cached = fromCache(token, now)
    if (cached !== undefined) return cached
    misses++
    let payload: JWTPayload
    let typ: string | undefined
    let kid: string | undefined
    try {
      const verified = await jwtVerify(token, keys, {
        algorithms: ALGORITHMS,
        issuer: issuers,
        clockTolerance,
        requiredClaims: ['exp', 'iat', 'sub'],
        ...(options.now ? { currentDate: new Date(now) } : {}),
      })
      payload = verified.payload
      typ = verified.protectedHeader.typ
      kid = verified.protectedHeader.kid
    } catch (error) {
      return refusalOf(error)
    }
    const problem = claimProblem(payload, typ, options)
    if (problem) return refused('token.invalid', problem)
    const answer = answerOf(payload)
    const valid = revokedOr(answer)
    // Only a valid token is kept, and only one whose key is known by its kid.
    if (valid.is_valid && kid !== undefined) {
      const entry: VerifiedToken = { token, kid, answer, exp: payload.exp!, nbf: payload.nbf, until: Math.min(now + maxAgeMs, (payload.exp! + clockTolerance) * 1000) }
      cache.set(entry)
    }
    return valid
  }

  return { verify, stats: () => ({ cached: cache.size, hits, misses }) }
}

/** The valid answer for verified claims, shaped as POST /auth/validate answers. */
function answerOf(payload: JWTPayload): Validation {
  return {
    is_valid: true,
    user_id: payload.sub!,
    email: typeof payload.email === 'string' ? payload.email : null,
    email_verified: typeof payload.email_verified === 'boolean' ? payload.email_verified : null,
    permissions: Array.isArray(payload.permissions) ? payload.permissions.filter((p): p is string => typeof p === 'string') : [],
    amr: Array.isArray(payload.amr) ? payload.amr.filter((m): m is string => typeof m === 'string') : [],
    error: null,
    code: null,
    session_id: payload.sid as string,
    client_id: typeof payload.client_id === 'string' ? payload.client_id : null,
    issued_at: payload.iat!,
    expires_at: payload.exp!,
  }
}

/** Heimdall's rules beyond jose's (token-service.ts checkedIssuer): what makes a token one of its access tokens. */
function claimProblem(payload: JWTPayload, typ: string | undefined, options: VerifierOptions): string | undefined {
  if (typeof payload.sid !== 'string' || payload.sid === '') return 'Token is missing required claims'
  if (payload.iss === options.issuer) {
    return typ === undefined || typ === 'JWT' ? undefined : 'Token is invalid: Heimdall does not type its own tokens at+jwt'
  }
  // Otherwise the provider's issuer (jose checked it is one of the two).
  if (!typ || !ACCESS_TOKEN_TYPE.test(typ)) return 'Token of the OpenID provider is not an access token (typ at+jwt)'
  const aud = payload.aud
  const audience = options.oidc!.audience
  if (!(aud === audience || (Array.isArray(aud) && aud.includes(audience)))) return 'Token of the OpenID provider is not for this resource (aud)'
  if (typeof payload.client_id !== 'string') return 'Token is missing required claims'
  return undefined
}

/** jose's errors as answers: an unreachable JWKS refuses (fail closed) and says so. */
function refusalOf(error: unknown): Validation {
  if (error instanceof errors.JWTExpired) return refused('token.expired', 'Token has expired')
  if (error instanceof errors.JWSSignatureVerificationFailed) return refused('token.invalid', 'Token signature is invalid')
  if (error instanceof errors.JWKSNoMatchingKey) return refused('token.invalid', 'Token is signed with an unknown key')
  if (error instanceof errors.JWTClaimValidationFailed) return refused('token.invalid', `Token is invalid: ${error.claim} ${error.reason}`)
  if (error instanceof errors.JOSEAlgNotAllowed) return refused('token.invalid', `Token algorithm must be one of ${ALGORITHMS.join(', ')}`)
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return refused('verifier.unavailable', `Heimdall's keys cannot be read: ${(error as Error).message}`)
  if (error instanceof errors.JOSEError) return refused('token.invalid', `Token is invalid: ${error.message}`)
  // fetch failures (connection refused, DNS) while reading the JWKS
  return refused('verifier.unavailable', `Heimdall's keys cannot be read: ${error instanceof Error ? error.message : String(error)}`)
}
