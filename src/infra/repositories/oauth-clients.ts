import type { Knex } from 'knex'
import { transactionRetryingLockConflicts } from '../db/lock-conflict.js'
import type { OAuthClientRow } from '../db/tables.js'

export type OAuthClientsRepository = ReturnType<typeof createOAuthClientsRepository>

/** The OAuth / OpenID Connect clients (table oauth_clients); the metadata column is RFC 7591 JSON. */
export function createOAuthClientsRepository(db: Knex) {
  return {
    async insertOAuthClient(row: OAuthClientRow): Promise<void> {
      await db<OAuthClientRow>('oauth_clients').insert(row)
    },

    async findOAuthClientById(clientId: string): Promise<OAuthClientRow | undefined> {
      const row = await db<OAuthClientRow>('oauth_clients').where({ client_id: clientId }).first()
      return row && normalise(row)
    },

    /** Every client, oldest first. */
    async findOAuthClients(): Promise<OAuthClientRow[]> {
      return (await db<OAuthClientRow>('oauth_clients').orderBy([{ column: 'created_at' }, { column: 'client_id' }])).map(normalise)
    },

    /** Answers whether the client exists. */
    async updateOAuthClientSecret(clientId: string, secretHash: string, now: number): Promise<boolean> {
      return (await db<OAuthClientRow>('oauth_clients').where({ client_id: clientId }).update({ secret_hash: secretHash, updated_at: now })) > 0
    },

    /** Deletes the client and everything the provider issued to it (its grants, codes and tokens). */
    async deleteOAuthClientById(clientId: string): Promise<boolean> {
      return transactionRetryingLockConflicts(db, async (trx) => {
        const deleted = await trx('oauth_clients').where({ client_id: clientId }).delete()
        if (deleted > 0) await trx('oidc_payloads').where({ client_id: clientId }).delete()
        return deleted > 0
      })
    },
  }
}

/** MySQL answers BIGINT as strings and booleans as 0/1. */
function normalise(row: OAuthClientRow): OAuthClientRow {
  return { ...row, first_party: Boolean(row.first_party), created_at: Number(row.created_at), updated_at: Number(row.updated_at) }
}
