import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'

/** Ends one session: tokens bound to it stop validating everywhere. */
export async function revokeSession(ctx: Context, input: { sessionId: string; reason: string }): Promise<void> {
  const revoked = await ctx.sessions.updateSessionRevokedById(input.sessionId, input.reason, ctx.clock.now())
  await ctx.invalidate({ kind: 'session', id: input.sessionId })
  if (!revoked) throw new HeimdallError('session.not_found', `No live session with id ${input.sessionId}`)
  const session = await ctx.sessions.findSessionWithUserById(input.sessionId)
  await ctx.audit.insertAuditEvent({ type: 'session.revoked', userId: session?.user_id ?? null, sessionId: input.sessionId, detail: { reason: input.reason } })
}
