import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'

/** The audit event of an OpenID Connect refresh token presented after it was rotated out. */
export const OIDC_REFRESH_REUSE_EVENT = 'oidc.refresh_token_reused'
/** The revoked_reason of a Heimdall session ended by it. */
export const OIDC_REFRESH_REUSE_REASON = 'oidc_refresh_token_reuse'

export interface RefreshTokenReuse {
  /** The user the grant is for (the token's sub). */
  userId: string
  clientId: string
  /** The Heimdall session the grant was made in, when one is linked (session-link.ts). */
  sessionId: string | undefined
  ip: string
}

/**
 * A rotated-out refresh token came back to the provider's token endpoint: two parties held it, one of
 * them a thief (RFC 9700 section 4.14.2). oidc-provider has revoked the grant (every token of it);
 * this ends the Heimdall session the grant was made in, as refresh-token reuse at /auth/refresh
 * does (one session model): whoever stole a token out of that sign-in may hold others of it, so the
 * session's other grants, its account page and its own tokens end too, and the user signs in again.
 * Audited as oidc.refresh_token_reused (detail: client_id, ip, session_revoked), whether or not a
 * session was linked or still live.
 */
export async function endSessionOnRefreshTokenReuse(ctx: Context, reuse: RefreshTokenReuse): Promise<void> {
  const now = ctx.clock.now()
  await ctx.transaction(async (tx) => {
    const revoked = reuse.sessionId ? await tx.sessions.updateSessionRevokedById(reuse.sessionId, OIDC_REFRESH_REUSE_REASON, now) : false
    await tx.audit.insertAuditEvent({
      type: OIDC_REFRESH_REUSE_EVENT,
      userId: reuse.userId,
      sessionId: reuse.sessionId ?? null,
      detail: { client_id: reuse.clientId, ip: reuse.ip, session_revoked: revoked },
      emits: revoked ? event('session.revoked', { user_id: reuse.userId, session_id: reuse.sessionId ?? null, reason: 'refresh-reuse', count: 1 }) : undefined,
    }, now)
  })
  if (reuse.sessionId) await ctx.invalidate({ kind: 'session', id: reuse.sessionId })
}
