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

/** An access token for a session, carrying the user's permissions as they are now. */
export async function issueSessionTokens(
  ctx: Context,
  user: { id: string; email: string },
  sessionId: string,
  refreshToken: string,
): Promise<SessionTokens> {
  const permissions = mergePermissions(await ctx.roles.findPermissionNamesByUserId(user.id))
  const issued = await ctx.tokens.sign({ sub: user.id, sid: sessionId, email: user.email, permissions })
  return { accessToken: issued.token, tokenType: 'bearer', expiresIn: issued.expiresIn, refreshToken, sessionId, userId: user.id }
}
