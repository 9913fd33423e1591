import type { Context } from '../../context.js'
import { parseAmr } from '../../domain/amr.js'
import { sessionPermissions } from '../sessions/session-tokens.js'
import { isSessionLive, sessionOfGrant } from './session-link.js'

/**
 * What an access token for Heimdall's own resource (RFC 8707; docs/oidc.md) carries besides the
 * provider's RFC 9068 claims, so that it validates like a token of Heimdall's own: the Heimdall
 * session the grant was made in (sid), its user's email, email_verified and permissions as they are
 * now (less those of roles whose second-factor rule the session's sign-in did not meet), and the
 * session's amr. `sessionEndsAt` (epoch milliseconds) is when that session ends: the token must not
 * outlive it.
 */
export interface HeimdallResourceClaims {
  sid: string
  email: string
  email_verified: boolean
  permissions: string[]
  amr: string[]
  sessionEndsAt: number
}

/**
 * The Heimdall claims for an access token of `grant` (made for user `accountId`), read from the
 * database (token issuance, not the validation hot path). Undefined when the grant has no live
 * Heimdall session: never linked to one, revoked, expired, another user's, or its user disabled.
 * Such a grant gets no token for Heimdall.
 */
export async function getHeimdallResourceClaims(ctx: Context, grant: { grantId: string; accountId: string }): Promise<HeimdallResourceClaims | undefined> {
  const sessionId = await sessionOfGrant(ctx, grant.grantId)
  if (sessionId === undefined) return undefined
  const session = await ctx.sessions.findSessionWithUserById(sessionId)
  if (!isSessionLive(session, ctx.clock.now()) || session.user_id !== grant.accountId) return undefined
  const permissions = await sessionPermissions(ctx, session.user_id, session.amr)
  return {
    sid: session.id,
    email: session.email,
    email_verified: session.email_verified_at !== null,
    permissions,
    amr: parseAmr(session.amr),
    sessionEndsAt: Number(session.expires_at),
  }
}
