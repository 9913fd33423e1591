import { randomUUID } from 'node:crypto'
import type { Context } from '../../context.js'
import { normalizeEmail } from '../../domain/email.js'
import { loginLockoutKey, retryAfterSeconds } from '../../domain/throttling.js'
import { HeimdallError } from '../../errors.js'
import type { LoginOutcome } from '../../infra/metrics/metrics.js'
import { issueSessionTokens, newRefreshToken, type SessionTokens } from '../session-tokens.js'

export interface LoginInput {
  email: string
  password: string
  ip?: string
}

/**
 * Checks the password, opens a session and issues an access token and a refresh token bound to it.
 * Each attempt first takes a unit of the account's lockout budget, so however many arrive at once,
 * at most the budget reach bcrypt; a success gives the budget back. Every attempt is counted and
 * logged (debug) by outcome.
 */
export async function login(ctx: Context, input: LoginInput): Promise<SessionTokens> {
  let outcome: LoginOutcome = 'error'
  try {
    const tokens = await attemptLogin(ctx, input)
    outcome = 'success'
    return tokens
  } catch (error) {
    outcome = error instanceof HeimdallError ? (LOGIN_OUTCOMES_BY_CODE[error.code] ?? 'error') : 'error'
    throw error
  } finally {
    ctx.metrics.countLogin(outcome)
    ctx.logger.debug({ outcome }, 'login attempt')
  }
}

const LOGIN_OUTCOMES_BY_CODE: Partial<Record<HeimdallError['code'], LoginOutcome>> = {
  'auth.invalid_credentials': 'invalid_credentials',
  'auth.locked': 'locked',
  'auth.account_disabled': 'disabled',
}

async function attemptLogin(ctx: Context, input: LoginInput): Promise<SessionTokens> {
  const email = normalizeEmail(input.email)
  const lockoutKey = loginLockoutKey(email)
  const { lockoutMaxFailures, lockoutWindowSeconds } = ctx.config
  const reservation = await ctx.throttles.reserve(lockoutKey, lockoutMaxFailures, lockoutWindowSeconds * 1000, Date.now())
  const user = await ctx.users.findUserByEmail(email)
  if (!reservation.allowed) {
    await ctx.audit.insertAuditEvent({ type: 'login.locked', userId: user?.id ?? null, detail: { ip: input.ip } })
    throw new HeimdallError('auth.locked', 'Too many failed login attempts for this account; try again later', undefined, retryAfterSeconds(reservation.retryAfterMs))
  }

  const passwordMatches = user
    ? await ctx.passwords.verify(input.password, user.password_hash)
    : await ctx.passwords.verifyDecoy(input.password)

  if (!user || !passwordMatches) {
    await ctx.audit.insertAuditEvent({ type: 'login.failed', userId: user?.id ?? null, detail: { reason: user ? 'wrong_password' : 'unknown_email', ip: input.ip } })
    throw new HeimdallError('auth.invalid_credentials', 'Incorrect email or password')
  }
  if (user.disabled) {
    await ctx.audit.insertAuditEvent({ type: 'login.failed', userId: user.id, detail: { reason: 'user_disabled', ip: input.ip } })
    throw new HeimdallError('auth.account_disabled', 'Account is disabled')
  }

  await ctx.throttles.deleteThrottle(lockoutKey)
  const now = Date.now()
  const sessionId = randomUUID()
  const refresh = newRefreshToken(ctx, now)
  await ctx.sessions.insertSessionWithRefreshToken({ id: sessionId, user_id: user.id, created_at: now, expires_at: refresh.row.expires_at }, refresh.row)
  await ctx.audit.insertAuditEvent({ type: 'login.succeeded', userId: user.id, sessionId, detail: { ip: input.ip } })
  return issueSessionTokens(ctx, user, sessionId, refresh.plain)
}
