import { randomUUID } from 'node:crypto'
import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { DURATION_RANGES, formatDuration } from '../../domain/durations.js'
import { HeimdallError, validationError } from '../../errors.js'
import { findUserByEmailOrFail } from '../users/find-user.js'
import { signAccessToken } from './session-tokens.js'

export interface IssuedAccessToken {
  accessToken: string
  tokenType: 'bearer'
  expiresIn: number
  sessionId: string
}

/**
 * Opens a session for a user without its password and signs an access token for it, for service
 * accounts and tests. The session lives exactly as long as the token and has no refresh token:
 * when it expires, issue another. It can be listed and revoked like any session.
 */
export async function issueAccessToken(ctx: Context, input: { email: string; ttlSeconds?: number }): Promise<IssuedAccessToken> {
  const user = await findUserByEmailOrFail(ctx, input.email)
  if (user.disabled) throw new HeimdallError('auth.account_disabled', 'Account is disabled')
  const ttlSeconds = input.ttlSeconds ?? ctx.config.accessTokenTtlSeconds
  const { min, max } = DURATION_RANGES.issuedToken
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < min || ttlSeconds > max) {
    const msg = `The token lifetime must be between ${formatDuration(min)} and ${formatDuration(max)}`
    throw validationError([{ loc: ['ttl'], msg, type: 'value_error' }])
  }

  const now = ctx.clock.now()
  const sessionId = randomUUID()
  // Signed before the session is stored, so a missing secret leaves no orphan session behind.
  const expiresAt = now + ttlSeconds * 1000
  const issued = await signAccessToken(ctx, user, sessionId, { ttlSeconds, sessionEndsAt: expiresAt, issuedAt: now })
  await ctx.transaction(async (tx) => {
    await tx.sessions.insertSession({ id: sessionId, user_id: user.id, created_at: now, expires_at: expiresAt })
    const emits = event('session.created', { user_id: user.id, session_id: sessionId, amr: [] })
    await tx.audit.insertAuditEvent({ type: 'token.issued', userId: user.id, sessionId, detail: { ttl_seconds: ttlSeconds }, emits, actor: 'operator' }, now)
  })
  return { accessToken: issued.token, tokenType: 'bearer', expiresIn: issued.expiresIn, sessionId }
}
