import type { Knex } from 'knex'
import type { RoleRow } from '../db/tables.js'

export type RolesRepository = ReturnType<typeof createRolesRepository>

export function createRolesRepository(db: Knex) {
  return {
    async findRolesByNames(names: string[]): Promise<RoleRow[]> {
      return db<RoleRow>('roles').whereIn('name', names).select('id', 'name', 'description')
    },

    async findPermissionNamesByUserId(userId: string): Promise<string[]> {
      const rows: Array<{ name: string }> = await db('user_roles')
        .join('role_permissions', 'role_permissions.role_id', 'user_roles.role_id')
        .join('permissions', 'permissions.id', 'role_permissions.permission_id')
        .where('user_roles.user_id', userId)
        .distinct('permissions.name as name')
      return rows.map((row) => row.name)
    },
  }
}
