import { randomUUID } from 'node:crypto'
import type { Context } from '../context.js'
import { mergePermissions } from '../domain/permissions.js'
import { generateRefreshToken, hashRefreshToken } from '../infra/tokens/refresh-token.js'
import type { NewRefreshToken } from '../infra/repositories/sessions.js'

export interface SessionTokens {
  accessToken: string
  tokenType: 'bearer'
  expiresIn: number
  refreshToken: string
  sessionId: string
  userId: string
}

/** A fresh refresh token: the plain value goes to the client once, only its hash is stored. */
export function newRefreshToken(ctx: Context, now: number): { plain: string; row: NewRefreshToken } {
  const plain = generateRefreshToken()
  return {
    plain,
    row: { id: randomUUID(), token_hash: hashRefreshToken(plain), created_at: now, expires_at: now + ctx.config.refreshTokenTtlSeconds * 1000 },
  }
}

/**
 * Signs an access token for a session, carrying the user's permissions as they are now; lives
 * `ttlSeconds` (default HEIMDALL_ACCESS_TOKEN_TTL). Answers the token and its lifetime in seconds.
 */
export async function signAccessToken(
  ctx: Context,
  user: { id: string; email: string },
  sessionId: string,
  ttlSeconds?: number,
): Promise<{ token: string; expiresIn: number }> {
  const permissions = mergePermissions(await ctx.roles.findPermissionNamesByUserId(user.id))
  return ctx.tokens.sign({ sub: user.id, sid: sessionId, email: user.email, permissions }, ttlSeconds)
}

/** The token pair a login or refresh answers: an access token for the session, and its refresh token. */
export async function issueSessionTokens(
  ctx: Context,
  user: { id: string; email: string },
  sessionId: string,
  refreshToken: string,
): Promise<SessionTokens> {
  const issued = await signAccessToken(ctx, user, sessionId)
  return { accessToken: issued.token, tokenType: 'bearer', expiresIn: issued.expiresIn, refreshToken, sessionId, userId: user.id }
}
