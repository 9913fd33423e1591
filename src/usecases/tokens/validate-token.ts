import type { Context } from '../../context.js'
import { sessionProblem } from '../../domain/session-state.js'
import { HeimdallError, type ErrorCode } from '../../errors.js'
import type { ValidationOutcome } from '../../infra/metrics/metrics.js'

export interface ValidToken {
  isValid: true
  userId: string
  email: string
  emailVerified: boolean
  permissions: string[]
  sessionId: string
  /** Epoch seconds of the token's exp claim. */
  expiresAt: number
  /** Epoch seconds of the token's iat claim. */
  issuedAt: number
  issuer: string
  /** RFC 8176 methods the session was opened with, from the token itself ([] when it has none). */
  amr: readonly string[]
  /** The OAuth client of an access token from Heimdall's OpenID provider (docs/oidc.md); undefined for Heimdall's own tokens. */
  clientId: string | undefined
}

export interface InvalidToken {
  isValid: false
  code: ErrorCode
  error: string
}

export type TokenValidation = ValidToken | InvalidToken

/**
 * The hot path: a token is valid when its signature, algorithm, issuer and expiry check out AND its
 * session is live and its user enabled: Heimdall's own tokens, and alike the access tokens its OpenID
 * provider issues for Heimdall's own resource (bound to a session the same way; docs/oidc.md).
 * Session state comes from the read model, not the database. Every answer is counted by outcome
 * (an integer increment).
 */
export async function validateToken(ctx: Context, token: string): Promise<TokenValidation> {
  let claims
  try {
    const verified = ctx.tokens.verify(token)
    // Verification answers synchronously on the hot path; awaiting only a promise spares it a microtask.
    claims = verified instanceof Promise ? await verified : verified
  } catch (error) {
    if (error instanceof HeimdallError) return counted(ctx, invalid(error.code, error.message))
    throw error
  }

  const state = ctx.sessionStates.get(claims.sid)
  const session = state instanceof Promise ? await state : state
  const problem = sessionProblem(session, claims.sub, ctx.clock.now())
  if (problem) return counted(ctx, invalid(problem.code, problem.message))

  ctx.metrics.countValidation('valid')
  return {
    isValid: true,
    userId: session!.userId,
    email: session!.email,
    emailVerified: session!.emailVerified,
    permissions: session!.permissions,
    sessionId: session!.sessionId,
    expiresAt: claims.exp,
    issuedAt: claims.iat,
    issuer: claims.iss,
    amr: claims.amr,
    clientId: claims.client_id,
  }
}

function counted(ctx: Context, result: InvalidToken): InvalidToken {
  ctx.metrics.countValidation(outcomeOf(result.code))
  return result
}

/** A disabled user's tokens count as revoked: the account's sessions no longer stand. */
function outcomeOf(code: ErrorCode): ValidationOutcome {
  if (code === 'token.expired') return 'expired'
  if (code === 'session.revoked' || code === 'user.disabled') return 'revoked'
  return 'invalid'
}

function invalid(code: ErrorCode, error: string): InvalidToken {
  return { isValid: false, code, error }
}
