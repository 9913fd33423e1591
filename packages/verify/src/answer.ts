/**
 * The answer of a verification, shaped as Heimdall's `POST /auth/validate` answers (snake_case, every
 * field present whether or not the token is valid), so that a service can move between asking
 * Heimdall and verifying locally without changing what it reads.
 */
export interface Validation {
  is_valid: boolean
  /** The token's `sub`; null when invalid. */
  user_id: string | null
  email: string | null
  email_verified: boolean | null
  permissions: string[]
  /** RFC 8176 authentication methods of the session the token was issued in ([] when it has none). */
  amr: readonly string[]
  /** Why the token is refused, in words; null when valid. */
  error: string | null
  /**
   * A stable reason, as Heimdall's error bodies carry: `token.invalid`, `token.expired`,
   * `session.revoked`, `verifier.unavailable` (the JWKS or the revocation stream cannot be trusted
   * now, so nothing is accepted); null when valid.
   */
  code: VerificationCode | null
  /** The session (`sid`), the OAuth client (`client_id`, OIDC tokens only) and the token's times, epoch seconds. */
  session_id: string | null
  client_id: string | null
  issued_at: number | null
  expires_at: number | null
}

export type VerificationCode = 'token.invalid' | 'token.expired' | 'session.revoked' | 'verifier.unavailable'

const NO_METHODS: readonly string[] = Object.freeze([])

/** A refusal with its code and reason. */
export function refused(code: VerificationCode, error: string): Validation {
  return {
    is_valid: false,
    user_id: null,
    email: null,
    email_verified: null,
    permissions: [],
    amr: NO_METHODS,
    error,
    code,
    session_id: null,
    client_id: null,
    issued_at: null,
    expires_at: null,
  }
}
