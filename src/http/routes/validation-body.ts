import type { TokenValidation } from '../../usecases/tokens/validate-token.js'

const NO_METHODS: readonly string[] = Object.freeze([])

/**
 * The contract's answer to POST /auth/validate and GET /auth/me (snake_case, every field present
 * whether or not the token is valid), from the fast path (validate-fast-path.ts) and the Koa routes alike.
 */
export function validationBody(result: TokenValidation) {
  return result.isValid
    ? { is_valid: true, user_id: result.userId, email: result.email, email_verified: result.emailVerified, permissions: result.permissions, amr: result.amr, error: null }
    : { is_valid: false, user_id: null, email: null, email_verified: null, permissions: [], amr: NO_METHODS, error: result.error }
}
