import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose'
import { refused, type Validation } from './answer.js'
import type { RevocationSet } from './revocations.js'

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
}

export interface Verifier {
  /**
   * Verifies an access token locally: signature (RS256 or EdDSA, by Heimdall's published keys), issuer,
   * type (`JWT` for Heimdall's own, `at+jwt` with the audience for the provider's), expiry and the
   * claims Heimdall's tokens carry (`sub`, `sid`, `iat`, `exp`), then the revocation set. Never throws
   * for a bad token: the answer says why.
   */
  verify(token: string): Promise<Validation>
}

const ALGORITHMS = ['RS256', 'EdDSA']
const ACCESS_TOKEN_TYPE = /^(application\/)?at\+jwt$/i

/** A verifier of Heimdall's access tokens; see {@link Verifier.verify}. */
export function createVerifier(options: VerifierOptions): Verifier {
  const keys: JWTVerifyGetKey = createRemoteJWKSet(new URL(options.jwksUri), { cooldownDuration: options.jwksCooldownMs ?? 5000 })
  const clockTolerance = options.clockToleranceSeconds ?? 0
  const issuers = options.oidc ? [options.issuer, options.oidc.issuer] : [options.issuer]

  async function verify(token: string): Promise<Validation> {
    const unavailable = options.revocations?.unavailable()
    if (unavailable !== undefined) return refused('verifier.unavailable', unavailable)
    if (typeof token !== 'string' || token === '') return refused('token.invalid', 'Token is missing')
    let payload: JWTPayload
    let typ: string | undefined
    try {
      const verified = await jwtVerify(token, keys, {
        algorithms: ALGORITHMS,
        issuer: issuers,
        clockTolerance,
        requiredClaims: ['exp', 'iat', 'sub'],
        ...(options.now ? { currentDate: new Date(options.now()) } : {}),
      })
      payload = verified.payload
      typ = verified.protectedHeader.typ
    } catch (error) {
      return refusalOf(error)
    }
    const problem = claimProblem(payload, typ, options)
    if (problem) return refused('token.invalid', problem)
    const sid = payload.sid as string
    if (options.revocations?.set.isRevoked({ sid, sub: payload.sub!, iat: payload.iat! })) return refused('session.revoked', 'Session has been revoked')
    return {
      is_valid: true,
      user_id: payload.sub!,
      email: typeof payload.email === 'string' ? payload.email : null,
      email_verified: typeof payload.email_verified === 'boolean' ? payload.email_verified : null,
      permissions: Array.isArray(payload.permissions) ? payload.permissions.filter((p): p is string => typeof p === 'string') : [],
      amr: Array.isArray(payload.amr) ? payload.amr.filter((m): m is string => typeof m === 'string') : [],
      error: null,
      code: null,
      session_id: sid,
      client_id: typeof payload.client_id === 'string' ? payload.client_id : null,
      issued_at: payload.iat!,
      expires_at: payload.exp!,
    }
  }

  return { verify }
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
