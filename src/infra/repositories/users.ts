import type { Knex } from 'knex'
import type { UserRow } from '../db/tables.js'

export interface NewUser {
  id: string
  email: string
  passwordHash: string
  roleIds: number[]
  now: number
}

export type UsersRepository = ReturnType<typeof createUsersRepository>

export function createUsersRepository(db: Knex) {
  return {
    async findUserByEmail(email: string): Promise<UserRow | undefined> {
      return db<UserRow>('users').where({ email }).first()
    },

    async findUserById(id: string): Promise<UserRow | undefined> {
      return db<UserRow>('users').where({ id }).first()
    },

    /** The user and its role grants land together or not at all. */
    async insertUserWithRoles(user: NewUser): Promise<void> {
      await db.transaction(async (trx) => {
        await trx('users').insert({
          id: user.id,
          email: user.email,
          password_hash: user.passwordHash,
          disabled: false,
          created_at: user.now,
          updated_at: user.now,
        })
        await trx('user_roles').insert(user.roleIds.map((roleId) => ({ user_id: user.id, role_id: roleId })))
      })
    },
  }
}
