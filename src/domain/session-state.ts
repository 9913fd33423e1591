import type { ErrorCode } from '../errors.js'

/** What validation needs to know about a session, as of when it was read. Times in epoch ms. */
export interface SessionState {
  sessionId: string
  userId: string
  email: string
  /** Read with the email, in the same query: a verification shows at once, like an email change. */
  emailVerified: boolean
  permissions: string[]
  userDisabled: boolean
  expiresAt: number
  revokedAt: number | null
}

export interface SessionProblem {
  code: ErrorCode
  message: string
}

/**
 * Why a token's session no longer stands, or undefined when it does: unknown (or another user's),
 * revoked, expired at `now` (epoch ms), or its user disabled, checked in that order.
 */
export function sessionProblem(session: SessionState | null, userId: string, now: number): SessionProblem | undefined {
  if (!session || session.userId !== userId) return SESSION_NOT_FOUND
  if (session.revokedAt !== null) return SESSION_REVOKED
  if (session.expiresAt <= now) return SESSION_EXPIRED
  if (session.userDisabled) return USER_DISABLED
  return undefined
}

const SESSION_NOT_FOUND: SessionProblem = Object.freeze({ code: 'token.invalid', message: 'Session not found' })
const SESSION_REVOKED: SessionProblem = Object.freeze({ code: 'session.revoked', message: 'Session has been revoked' })
const SESSION_EXPIRED: SessionProblem = Object.freeze({ code: 'token.expired', message: 'Session has expired' })
const USER_DISABLED: SessionProblem = Object.freeze({ code: 'user.disabled', message: 'User is disabled' })
