import type { Knex } from 'knex'
import type { OidcConsentRow } from '../db/tables.js'

export type OidcConsentsRepository = ReturnType<typeof createOidcConsentsRepository>

/** MySQL answers BIGINT as strings. */
function normalise(row: OidcConsentRow): OidcConsentRow {
  return { ...row, granted_at: Number(row.granted_at), updated_at: Number(row.updated_at) }
}

/** The consents users gave OpenID Connect clients, remembered across sign-ins (table oidc_consents). */
export function createOidcConsentsRepository(db: Knex) {
  return {
    async findConsent(userId: string, clientId: string): Promise<OidcConsentRow | undefined> {
      const row = await db<OidcConsentRow>('oidc_consents').where({ user_id: userId, client_id: clientId }).first()
      return row && normalise(row)
    },

    async findConsentsByUserId(userId: string): Promise<OidcConsentRow[]> {
      return (await db<OidcConsentRow>('oidc_consents').where({ user_id: userId })).map(normalise)
    },

    /** Inserts the consent, or replaces what it allows (scope, claims, resources, updated_at; granted_at stays). */
    async upsertConsent(row: OidcConsentRow): Promise<void> {
      const { scope, claims, resources, updated_at } = row
      await db<OidcConsentRow>('oidc_consents').insert(row).onConflict(['user_id', 'client_id']).merge({ scope, claims, resources, updated_at })
    },

    /** Answers whether there was one to delete. */
    /** Forgets every consent the user gave; answers how many. */
    async deleteConsentsByUserId(userId: string): Promise<number> {
      return db('oidc_consents').where({ user_id: userId }).delete()
    },

    async deleteConsent(userId: string, clientId: string): Promise<boolean> {
      return (await db<OidcConsentRow>('oidc_consents').where({ user_id: userId, client_id: clientId }).delete()) > 0
    },
  }
}
