import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { getCurrentUser } from '../users/get-current-user.js'

/** Ends the session of the presented access token; the user's other sessions stay. */
export async function logout(ctx: Context, input: { accessToken: string | undefined }): Promise<void> {
  const current = await getCurrentUser(ctx, input.accessToken)
  const now = ctx.clock.now()
  await ctx.transaction(async (tx) => {
    // A logout that raced another (or the session's own expiry) ended nothing: no event for it.
    if (!(await tx.sessions.updateSessionRevokedById(current.sessionId, 'logout', now))) return
    const emits = event('session.revoked', { user_id: current.userId, session_id: current.sessionId, reason: 'logout', count: 1 })
    await tx.audit.insertAuditEvent({ type: 'logout', userId: current.userId, sessionId: current.sessionId, emits, actor: `user:${current.userId}` }, now)
  })
  await ctx.invalidate({ kind: 'session', id: current.sessionId })
}

/** Ends every session of the user behind the presented access token. */
export async function logoutAll(ctx: Context, input: { accessToken: string | undefined }): Promise<{ revoked: number }> {
  const current = await getCurrentUser(ctx, input.accessToken)
  const now = ctx.clock.now()
  const revoked = await ctx.transaction(async (tx) => {
    const count = await tx.sessions.updateSessionsRevokedByUserId(current.userId, 'logout_all', now)
    const emits = event('session.revoked', { user_id: current.userId, session_id: null, reason: 'logout-all', count })
    await tx.audit.insertAuditEvent({ type: 'logout.all', userId: current.userId, sessionId: current.sessionId, detail: { revoked: count }, emits, actor: `user:${current.userId}` }, now)
    return count
  })
  await ctx.invalidate({ kind: 'user', id: current.userId })
  return { revoked }
}
