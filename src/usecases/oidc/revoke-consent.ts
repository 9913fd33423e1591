import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { HeimdallError } from '../../errors.js'

/**
 * The user takes back what they let a client have: the remembered consent is forgotten, and every
 * grant of theirs to that client is deleted with every token and code issued under it (access and
 * refresh tokens, authorization and device codes), so the client's refresh token is refused
 * (invalid_grant) and its next authorization asks for consent again (a first-party client is granted
 * again without a page). Audited as consent.revoked. Throws consent.not_found when the user has
 * neither a consent nor a grant to that client (another user's, or already revoked).
 */
export async function revokeConsent(ctx: Context, input: { userId: string; sessionId?: string; clientId: string; ip?: string }): Promise<void> {
  await ctx.transaction(async (tx) => {
    // The consent first, so that a sign-in starting now builds no new grant from it.
    const forgotten = await tx.oidcConsents.deleteConsent(input.userId, input.clientId)
    const grants = await tx.oidcGrants.findGrantsByUserIdAndClientId(input.userId, input.clientId)
    // The session join says whose grant it is; the payload says the same or the row is left alone.
    const own = grants.filter((grant) => (JSON.parse(grant.payload) as { accountId?: string }).accountId === input.userId)
    const deleted = await tx.oidcGrants.deleteGrantsById(own.map((grant) => grant.id))
    if (!forgotten && deleted === 0) throw new HeimdallError('consent.not_found', 'This application has no access to revoke')
    const emits = event('consent.revoked', { user_id: input.userId, client_id: input.clientId, grants: deleted })
    await tx.audit.insertAuditEvent({ type: 'consent.revoked', userId: input.userId, sessionId: input.sessionId ?? null, detail: { client_id: input.clientId, grants: deleted, ip: input.ip }, emits, actor: `user:${input.userId}` })
  })
}
