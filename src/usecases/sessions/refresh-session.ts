import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { parseAmr } from '../../domain/amr.js'
import { HeimdallError } from '../../errors.js'
import { hashRefreshToken } from '../../infra/tokens/refresh-token.js'
import { issueSessionTokens, newRefreshToken, type SessionTokens } from './session-tokens.js'

/**
 * Rotates a refresh token: the presented one is spent and a new pair issued. A spent token presented
 * again means it was stolen (or raced): the whole session is revoked, with every token it issued.
 */
export async function refreshSession(ctx: Context, input: { refreshToken: string; ip?: string }): Promise<SessionTokens> {
  const presented = await ctx.sessions.findRefreshTokenByHash(hashRefreshToken(input.refreshToken))
  if (!presented) throw new HeimdallError('auth.invalid_refresh_token', 'Invalid refresh token')
  if (presented.spent_at !== null) return revokeOnReuse(ctx, presented.session_id, input.ip)

  const now = ctx.clock.now()
  if (Number(presented.expires_at) <= now) throw new HeimdallError('auth.invalid_refresh_token', 'Refresh token has expired')
  const session = await ctx.sessions.findSessionWithUserById(presented.session_id)
  if (!session || session.revoked_at !== null) throw new HeimdallError('auth.invalid_refresh_token', 'Session has been revoked')
  if (session.user_disabled) throw new HeimdallError('auth.invalid_refresh_token', 'User is disabled')

  const next = newRefreshToken(ctx, now)
  if (!(await ctx.sessions.rotateRefreshToken(presented.id, session.id, next.row, now))) {
    return revokeOnReuse(ctx, session.id, input.ip)
  }
  await ctx.invalidate({ kind: 'session', id: session.id })
  await ctx.audit.insertAuditEvent({ type: 'session.refreshed', userId: session.user_id, sessionId: session.id, detail: { ip: input.ip } })
  return issueSessionTokens(ctx, { id: session.user_id, email: session.email, email_verified_at: session.email_verified_at }, session.id, next, parseAmr(session.amr))
}

async function revokeOnReuse(ctx: Context, sessionId: string, ip: string | undefined): Promise<never> {
  const now = ctx.clock.now()
  await ctx.transaction(async (tx) => {
    const ended = await tx.sessions.updateSessionRevokedById(sessionId, 'refresh_token_reuse', now)
    const userId = (await tx.sessions.findSessionWithUserById(sessionId))?.user_id ?? null
    // Reuse of a session already ended is still worth an audit entry; only an ending is an event.
    const emits = ended ? event('session.revoked', { user_id: userId, session_id: sessionId, reason: 'refresh-reuse', count: 1 }) : undefined
    await tx.audit.insertAuditEvent({ type: 'refresh.reuse_detected', userId, sessionId, detail: { ip }, emits }, now)
  })
  await ctx.invalidate({ kind: 'session', id: sessionId })
  throw new HeimdallError('auth.refresh_token_reused', 'Refresh token has already been used: the session has been revoked')
}
