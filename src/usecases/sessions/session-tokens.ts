import { randomUUID } from 'node:crypto'
import { event } from '../../domain/events.js'
import type { Context } from '../../context.js'
import { serializeAmr } from '../../domain/amr.js'
import { mergePermissions } from '../../domain/permissions.js'
import { rolesWithheldFrom } from '../../domain/second-factor-rule.js'
import { generateRefreshToken, hashRefreshToken } from '../../infra/tokens/refresh-token.js'
import type { NewRefreshToken } from '../../infra/repositories/sessions.js'
import type { TokenLifetime } from '../../infra/tokens/token-service.js'

export interface SessionTokens {
  accessToken: string
  tokenType: 'bearer'
  expiresIn: number
  refreshToken: string
  sessionId: string
  userId: string
}

/** A refresh token about to be handed out: the session it belongs to ends when it expires. */
export interface IssuedRefreshToken {
  plain: string
  row: NewRefreshToken
}

/** A fresh refresh token: the plain value goes to the client once, only its hash is stored. */
export function newRefreshToken(ctx: Context, now: number): IssuedRefreshToken {
  const plain = generateRefreshToken()
  return {
    plain,
    row: { id: randomUUID(), token_hash: hashRefreshToken(plain), created_at: now, expires_at: now + ctx.config.refreshTokenTtlSeconds * 1000 },
  }
}

/**
 * Signs an access token for a session, carrying the user's permissions as they are now and the
 * RFC 8176 methods (amr) the session was opened with (undefined for a session opened without a
 * login: the token carries []); lives `lifetime` (by default HEIMDALL_ACCESS_TOKEN_TTL), never past
 * the session's end (TokenLifetime). The roles of HEIMDALL_MFA_REQUIRED_ROLES grant nothing to a
 * one-factor sign-in (domain/second-factor-rule.ts). Answers the token and its lifetime in seconds.
 */
export async function signAccessToken(
  ctx: Context,
  user: { id: string; email: string; email_verified_at: number | null },
  sessionId: string,
  lifetime: TokenLifetime,
  amr?: readonly string[],
): Promise<{ token: string; expiresIn: number }> {
  const permissions = await sessionPermissions(ctx, user.id, amr === undefined ? null : serializeAmr(amr))
  return ctx.tokens.sign({ sub: user.id, sid: sessionId, email: user.email, email_verified: user.email_verified_at !== null, permissions, amr: [...(amr ?? [])] }, lifetime)
}

/**
 * The permissions a session of `userId` carries, given its stored amr (null: opened without a
 * sign-in): what the user's roles grant, less the roles whose second-factor rule its sign-in did not
 * meet. Sorted and unique. Token issuance only, never the validation hot path.
 */
export async function sessionPermissions(ctx: Context, userId: string, storedAmr: string | null): Promise<string[]> {
  return mergePermissions(await ctx.roles.findPermissionNamesByUserId(userId, rolesWithheldFrom(storedAmr, ctx.config.mfaRequiredRoles)))
}

/**
 * The token pair a login or refresh answers: an access token for the session (with its amr), and its
 * refresh token. The session lasts as long as its newest refresh token, so the access token expires
 * no later than that one.
 */
export async function issueSessionTokens(
  ctx: Context,
  user: { id: string; email: string; email_verified_at: number | null },
  sessionId: string,
  refresh: IssuedRefreshToken,
  amr: readonly string[],
): Promise<SessionTokens> {
  const issued = await signAccessToken(ctx, user, sessionId, { sessionEndsAt: refresh.row.expires_at }, amr)
  return { accessToken: issued.token, tokenType: 'bearer', expiresIn: issued.expiresIn, refreshToken: refresh.plain, sessionId, userId: user.id }
}

/**
 * Opens a session for a user who has just authenticated (by password, second factor or passkey),
 * records `event` in the audit log and issues the token pair. `amr` is stored with the session so
 * that refreshed tokens carry it too.
 */
export async function openSession(
  ctx: Context,
  user: { id: string; email: string; email_verified_at: number | null },
  input: { amr: readonly string[]; event: string; detail?: Record<string, unknown> },
): Promise<SessionTokens> {
  const now = ctx.clock.now()
  const sessionId = randomUUID()
  const refresh = newRefreshToken(ctx, now)
  await ctx.transaction(async (tx) => {
    await tx.sessions.insertSessionWithRefreshToken(
      { id: sessionId, user_id: user.id, created_at: now, expires_at: refresh.row.expires_at, amr: serializeAmr(input.amr) },
      refresh.row,
    )
    const emits = event('session.created', { user_id: user.id, session_id: sessionId, amr: [...input.amr] })
    await tx.audit.insertAuditEvent({ type: input.event, userId: user.id, sessionId, detail: { ...input.detail, amr: input.amr }, emits, actor: `user:${user.id}` }, now)
  })
  return issueSessionTokens(ctx, user, sessionId, refresh, input.amr)
}
