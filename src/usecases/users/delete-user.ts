import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { USER_DELETED_EVENT } from '../../infra/repositories/audit.js'
import { findUserByEmailOrFail } from './find-user.js'

/**
 * Deletes a user with its sessions, refresh tokens and role grants. Its tokens stop validating at
 * once here and, through the audit event the revocation pollers read, in every running server.
 */
export async function deleteUser(ctx: Context, input: { email: string }): Promise<{ userId: string; deletedSessions: number }> {
  const user = await findUserByEmailOrFail(ctx, input.email)
  const { deletedSessions } = await ctx.users.deleteUserById(user.id, (deleted) => ({
    type: USER_DELETED_EVENT,
    userId: user.id,
    detail: { email: user.email, deleted_sessions: deleted },
    emits: event('user.deleted', { user_id: user.id, revoked_sessions: deleted }),
    actor: 'operator',
  }))
  await ctx.invalidate({ kind: 'user', id: user.id })
  return { userId: user.id, deletedSessions }
}
