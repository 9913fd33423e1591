import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { findUserByEmailOrFail } from './find-user.js'
import { sessionsEnded } from '../events/sessions-ended.js'

/** Disabling a user revokes all of its sessions at once; enabling lets it log in again. */
export async function setUserDisabled(ctx: Context, input: { email: string; disabled: boolean }): Promise<{ revokedSessions: number }> {
  const user = await findUserByEmailOrFail(ctx, input.email)
  const now = ctx.clock.now()
  const revokedSessions = await ctx.transaction(async (tx) => {
    await tx.users.updateUserDisabled(user.id, input.disabled, now)
    const revoked = input.disabled ? await tx.sessions.updateSessionsRevokedByUserId(user.id, 'user_disabled', now) : 0
    const emits = input.disabled ? event('user.disabled', { user_id: user.id, revoked_sessions: revoked }) : event('user.enabled', { user_id: user.id })
    await tx.audit.insertAuditEvent({ type: emits.type, userId: user.id, detail: { revoked_sessions: revoked }, emits, actor: 'operator' }, now)
    // Its sessions ended too: subscribers to session.revoked hear of every end, whatever its cause.
    if (revoked > 0) await tx.audit.insertAuditEvent(sessionsEnded(user.id, 'disable', revoked), now)
    return revoked
  })
  await ctx.invalidate({ kind: 'user', id: user.id })
  return { revokedSessions }
}
