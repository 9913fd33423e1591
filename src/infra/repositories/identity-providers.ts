import type { Knex } from 'knex'
import type { IdentityProviderRow } from '../db/tables.js'

export type IdentityProvidersRepository = ReturnType<typeof createIdentityProvidersRepository>

/** The upstream identity providers (idp:create ...): the only SQL on them. */
export function createIdentityProvidersRepository(db: Knex) {
  return {
    async insertIdentityProvider(row: IdentityProviderRow): Promise<void> {
      await db('identity_providers').insert(row)
    },

    async findIdentityProviderByName(name: string): Promise<IdentityProviderRow | undefined> {
      return db<IdentityProviderRow>('identity_providers').where({ name }).first()
    },

    async findIdentityProviderById(id: string): Promise<IdentityProviderRow | undefined> {
      return db<IdentityProviderRow>('identity_providers').where({ id }).first()
    },

    /** Every provider, by name. */
    async findIdentityProviders(): Promise<IdentityProviderRow[]> {
      return db<IdentityProviderRow>('identity_providers').orderBy('name')
    },

    async updateIdentityProviderEnabled(id: string, enabled: boolean, now: number): Promise<void> {
      await db('identity_providers').where({ id }).update({ enabled, updated_at: now })
    },

    /**
     * Replaces a sealed client secret by the same secret sealed again, only if the row still holds
     * `from`; answers whether it did.
     */
    async updateClientSecretSealed(id: string, from: string, to: string): Promise<boolean> {
      return (await db('identity_providers').where({ id, client_secret_sealed: from }).update({ client_secret_sealed: to })) > 0
    },

    /** Deletes the provider; its linked identities, flows and pending links go with it (ON DELETE CASCADE). */
    async deleteIdentityProviderById(id: string): Promise<boolean> {
      return (await db('identity_providers').where({ id }).delete()) > 0
    },
  }
}
