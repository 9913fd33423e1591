import type { Context } from '../../context.js'
import { findUserByEmailOrFail } from './find-user.js'

/** Disabling a user revokes all of its sessions at once; enabling lets it log in again. */
export async function setUserDisabled(ctx: Context, input: { email: string; disabled: boolean }): Promise<{ revokedSessions: number }> {
  const user = await findUserByEmailOrFail(ctx, input.email)
  const now = ctx.clock.now()
  await ctx.users.updateUserDisabled(user.id, input.disabled, now)
  const revokedSessions = input.disabled ? await ctx.sessions.updateSessionsRevokedByUserId(user.id, 'user_disabled', now) : 0
  await ctx.invalidate({ kind: 'user', id: user.id })
  await ctx.audit.insertAuditEvent({ type: input.disabled ? 'user.disabled' : 'user.enabled', userId: user.id, detail: { revoked_sessions: revokedSessions } })
  return { revokedSessions }
}
