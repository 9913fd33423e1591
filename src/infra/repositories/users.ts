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

    async updateUserDisabled(id: string, disabled: boolean, now: number): Promise<void> {
      await db('users').where({ id }).update({ disabled, updated_at: now })
    },

    /** Marks a user changed (roles, state): the signal other processes' caches poll for. */
    async updateUserTouched(id: string, now: number): Promise<void> {
      await db('users').where({ id }).update({ updated_at: now })
    },

    async findUserIdsUpdatedSince(since: number): Promise<Array<{ id: string; updated_at: number }>> {
      return db('users').where('updated_at', '>=', since).select('id', 'updated_at')
    },
  }
}
