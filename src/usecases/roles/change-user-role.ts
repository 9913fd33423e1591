import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { HeimdallError } from '../../errors.js'
import { findUserByEmailOrFail } from '../users/find-user.js'

export interface RoleChange {
  email: string
  role: string
}

/**
 * Grants or revokes a role. Permissions are read from the roles at validation time, so the user's
 * cached sessions are invalidated and the very next validation shows the change; the permissions
 * claim inside already issued tokens is a snapshot, renewed at the next refresh.
 */
export async function changeUserRole(ctx: Context, change: RoleChange & { grant: boolean }): Promise<{ changed: boolean }> {
  const user = await findUserByEmailOrFail(ctx, change.email)
  const [role] = await ctx.roles.findRolesByNames([change.role])
  if (!role) throw new HeimdallError('role.not_found', `Unknown role: ${change.role}`)

  const now = ctx.clock.now()
  const changed = await ctx.transaction(async (tx) => {
    const changed = change.grant ? await tx.roles.insertUserRole(user.id, role.id) : await tx.roles.deleteUserRole(user.id, role.id)
    if (!changed) return false
    await tx.users.updateUserTouched(user.id, now)
    const emits = event(change.grant ? 'role.granted' : 'role.revoked', { user_id: user.id, role: role.name })
    await tx.audit.insertAuditEvent({ type: emits.type, userId: user.id, detail: { role: role.name }, emits, actor: 'operator' }, now)
    return true
  })
  if (changed) await ctx.invalidate({ kind: 'user', id: user.id })
  return { changed }
}
