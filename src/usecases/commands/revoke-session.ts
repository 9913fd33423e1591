import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'

/** Ends one session: tokens bound to it stop validating at once on this process. */
export async function revokeSession(ctx: Context, input: { sessionId: string; reason: string }): Promise<void> {
  const revoked = await ctx.sessions.updateSessionRevokedById(input.sessionId, input.reason, Date.now())
  ctx.sessionStates.evictSession(input.sessionId)
  if (!revoked) throw new HeimdallError('session.not_found', `No live session with id ${input.sessionId}`)
  await ctx.audit.insertAuditEvent({ type: 'session.revoked', sessionId: input.sessionId, detail: { reason: input.reason } })
}
