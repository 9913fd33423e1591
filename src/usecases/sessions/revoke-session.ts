import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { HeimdallError } from '../../errors.js'

/** Ends one session: tokens bound to it stop validating everywhere. */
export async function revokeSession(ctx: Context, input: { sessionId: string; reason: 'logout' | 'admin' }): Promise<void> {
  const now = ctx.clock.now()
  const revoked = await ctx.transaction(async (tx) => {
    if (!(await tx.sessions.updateSessionRevokedById(input.sessionId, input.reason, now))) return false
    const userId = (await tx.sessions.findSessionWithUserById(input.sessionId))?.user_id ?? null
    const emits = event('session.revoked', { user_id: userId, session_id: input.sessionId, reason: input.reason, count: 1 })
    const actor = input.reason === 'admin' ? 'operator' : userId ? `user:${userId}` : 'system'
    await tx.audit.insertAuditEvent({ type: 'session.revoked', userId, sessionId: input.sessionId, detail: { reason: input.reason }, emits, actor }, now)
    return true
  })
  await ctx.invalidate({ kind: 'session', id: input.sessionId })
  if (!revoked) throw new HeimdallError('session.not_found', `No live session with id ${input.sessionId}`)
}
