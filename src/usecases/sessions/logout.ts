import type { Context } from '../../context.js'
import { getCurrentUser } from '../users/get-current-user.js'

/** Ends the session of the presented access token; the user's other sessions stay. */
export async function logout(ctx: Context, input: { accessToken: string | undefined }): Promise<void> {
  const current = await getCurrentUser(ctx, input.accessToken)
  await ctx.sessions.updateSessionRevokedById(current.sessionId, 'logout', ctx.clock.now())
  await ctx.invalidate({ kind: 'session', id: current.sessionId })
  await ctx.audit.insertAuditEvent({ type: 'logout', userId: current.userId, sessionId: current.sessionId })
}

/** Ends every session of the user behind the presented access token. */
export async function logoutAll(ctx: Context, input: { accessToken: string | undefined }): Promise<{ revoked: number }> {
  const current = await getCurrentUser(ctx, input.accessToken)
  const revoked = await ctx.sessions.updateSessionsRevokedByUserId(current.userId, 'logout_all', ctx.clock.now())
  await ctx.invalidate({ kind: 'user', id: current.userId })
  await ctx.audit.insertAuditEvent({ type: 'logout.all', userId: current.userId, sessionId: current.sessionId, detail: { revoked } })
  return { revoked }
}
