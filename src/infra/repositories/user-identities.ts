import type { Knex } from 'knex'
import type { UserIdentityRow } from '../db/tables.js'

/** A linked identity with its provider's name, as people and operators see it. */
export interface LinkedIdentity extends UserIdentityRow {
  provider_name: string
}

export type UserIdentitiesRepository = ReturnType<typeof createUserIdentitiesRepository>

/** Upstream identities linked to users: the only SQL on them. Found by (provider, subject), never by email. */
export function createUserIdentitiesRepository(db: Knex) {
  return {
    /** Unique-violation when the (provider, subject) pair is already linked (to anyone). */
    async insertUserIdentity(row: UserIdentityRow): Promise<void> {
      await db('user_identities').insert(row)
    },

    async findUserIdentityBySubject(providerId: string, subject: string): Promise<UserIdentityRow | undefined> {
      return db<UserIdentityRow>('user_identities').where({ provider_id: providerId, subject }).first()
    },

    /** The user's identities with their provider's name, oldest link first. */
    async findUserIdentitiesByUserId(userId: string): Promise<LinkedIdentity[]> {
      return db('user_identities')
        .join('identity_providers', 'identity_providers.id', 'user_identities.provider_id')
        .where('user_identities.user_id', userId)
        .orderBy([{ column: 'user_identities.linked_at' }, { column: 'identity_providers.name' }])
        .select('user_identities.*', 'identity_providers.name as provider_name')
    },

    /** Records a sign-in through the identity and the address the upstream said this time. */
    async updateUserIdentitySignedIn(id: string, email: string | null, now: number): Promise<void> {
      await db('user_identities').where({ id }).update({ email, last_sign_in_at: now })
    },

    async countUserIdentitiesByProviderId(providerId: string): Promise<number> {
      const row = await db('user_identities').where({ provider_id: providerId }).count({ count: '*' }).first()
      return Number(row?.count ?? 0)
    },

    /** The users with an identity linked through the provider. */
    async findUserIdsByProviderId(providerId: string): Promise<string[]> {
      return db('user_identities').where({ provider_id: providerId }).pluck('user_id')
    },

    async deleteUserIdentityById(id: string): Promise<boolean> {
      return (await db('user_identities').where({ id }).delete()) > 0
    },

    async deleteUserIdentitiesByUserId(userId: string): Promise<number> {
      return db('user_identities').where({ user_id: userId }).delete()
    },
  }
}
