import type { Context } from '../../context.js'
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

  const changed = change.grant ? await ctx.roles.insertUserRole(user.id, role.id) : await ctx.roles.deleteUserRole(user.id, role.id)
  if (changed) {
    await ctx.users.updateUserTouched(user.id, ctx.clock.now())
    await ctx.invalidate({ kind: 'user', id: user.id })
    await ctx.audit.insertAuditEvent({ type: change.grant ? 'role.granted' : 'role.revoked', userId: user.id, detail: { role: role.name } })
  }
  return { changed }
}
