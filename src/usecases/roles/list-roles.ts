import type { Context } from '../../context.js'
import type { RoleWithPermissions } from '../../infra/repositories/roles.js'

export function listRoles(ctx: Context): Promise<RoleWithPermissions[]> {
  return ctx.readers.roles.findRolesWithPermissions()
}
