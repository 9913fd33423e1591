import type { Knex } from 'knex'
import type { RoleRow } from '../db/tables.js'

export interface RoleWithPermissions extends RoleRow {
  permissions: string[]
}

export type RolesRepository = ReturnType<typeof createRolesRepository>

export function createRolesRepository(db: Knex) {
  return {
    async findRolesByNames(names: string[]): Promise<RoleRow[]> {
      return db<RoleRow>('roles').whereIn('name', names).select('id', 'name', 'description')
    },

    async findRolesWithPermissions(): Promise<RoleWithPermissions[]> {
      const roles = await db<RoleRow>('roles').select('id', 'name', 'description').orderBy('name')
      const grants: Array<{ role_id: number; name: string }> = await db('role_permissions')
        .join('permissions', 'permissions.id', 'role_permissions.permission_id')
        .select('role_permissions.role_id as role_id', 'permissions.name as name')
        .orderBy('permissions.name')
      return roles.map((role) => ({ ...role, permissions: grants.filter((grant) => grant.role_id === role.id).map((grant) => grant.name) }))
    },

    async findRoleNamesByUserId(userId: string): Promise<string[]> {
      const rows: Array<{ name: string }> = await db('user_roles')
        .join('roles', 'roles.id', 'user_roles.role_id')
        .where('user_roles.user_id', userId)
        .orderBy('roles.name')
        .select('roles.name as name')
      return rows.map((row) => row.name)
    },

    /** Role names of many users at once, by user id (users without roles are absent). */
    async findRoleNamesByUserIds(userIds: string[]): Promise<Map<string, string[]>> {
      const byUser = new Map<string, string[]>()
      if (userIds.length === 0) return byUser
      const rows: Array<{ user_id: string; name: string }> = await db('user_roles')
        .join('roles', 'roles.id', 'user_roles.role_id')
        .whereIn('user_roles.user_id', userIds)
        .orderBy('roles.name')
        .select('user_roles.user_id as user_id', 'roles.name as name')
      for (const row of rows) byUser.set(row.user_id, [...(byUser.get(row.user_id) ?? []), row.name])
      return byUser
    },

    /** What the user's roles grant, leaving out the grants of `exceptRoles` (role names), in one query. */
    async findPermissionNamesByUserId(userId: string, exceptRoles: readonly string[] = []): Promise<string[]> {
      const query = db('user_roles')
        .join('role_permissions', 'role_permissions.role_id', 'user_roles.role_id')
        .join('permissions', 'permissions.id', 'role_permissions.permission_id')
        .where('user_roles.user_id', userId)
      if (exceptRoles.length > 0) query.join('roles', 'roles.id', 'user_roles.role_id').whereNotIn('roles.name', [...exceptRoles])
      const rows: Array<{ name: string }> = await query.distinct('permissions.name as name')
      return rows.map((row) => row.name)
    },

    /** Answers false when the user already had the role. */
    async insertUserRole(userId: string, roleId: number): Promise<boolean> {
      const existing = await db('user_roles').where({ user_id: userId, role_id: roleId }).first()
      if (existing) return false
      await db('user_roles').insert({ user_id: userId, role_id: roleId })
      return true
    },

    /** Answers false when the user did not have the role. */
    async deleteUserRole(userId: string, roleId: number): Promise<boolean> {
      return (await db('user_roles').where({ user_id: userId, role_id: roleId }).delete()) > 0
    },
  }
}
