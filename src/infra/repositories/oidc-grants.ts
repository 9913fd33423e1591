import type { Knex } from 'knex'
import { transactionRetryingLockConflicts } from '../db/lock-conflict.js'

export type OidcGrantsRepository = ReturnType<typeof createOidcGrantsRepository>

/** A grant as oidc-provider stored it (oidc_payloads, kind Grant): its id, client, and JSON payload. */
export interface OidcGrantRow {
  id: string
  client_id: string
  payload: string
}

/**
 * The provider's grants (what a user allowed a client, and the parent of every code and token issued
 * under it), found through the Heimdall session each was made in (oidc_payloads.session_id, see
 * usecases/oidc/session-link.ts): that is how a grant is known to be a user's without reading JSON.
 */
export function createOidcGrantsRepository(db: Knex) {
  const grantsOfUser = (userId: string) =>
    db('oidc_payloads as p')
      .join('sessions as s', 's.id', 'p.session_id')
      .where('p.kind', 'Grant')
      .where('s.user_id', userId)
      .select<OidcGrantRow[]>('p.id', 'p.client_id', 'p.payload')

  return {
    /** The user's grants that still grant something: not expired, made in a session that is still live. Times in epoch ms. */
    async findLiveGrantsByUserId(userId: string, now: number): Promise<OidcGrantRow[]> {
      return grantsOfUser(userId)
        .whereNull('s.revoked_at')
        .where('s.expires_at', '>', now)
        .where((query) => query.whereNull('p.expires_at').orWhere('p.expires_at', '>', now))
    },

    /** Every grant of the user to one client, whatever became of its session. */
    async findGrantsByUserIdAndClientId(userId: string, clientId: string): Promise<OidcGrantRow[]> {
      return grantsOfUser(userId).where('p.client_id', clientId)
    },

    /**
     * Deletes every grant of the user, whatever became of its session, with everything issued under
     * it, within the caller's transaction (run it over one: it opens none). Answers how many grants.
     */
    async deleteGrantsByUserId(userId: string): Promise<number> {
      const ids = (await grantsOfUser(userId)).map((grant) => grant.id)
      if (ids.length === 0) return 0
      await db('oidc_payloads').whereIn('grant_id', ids).delete()
      return db('oidc_payloads').where('kind', 'Grant').whereIn('id', ids).delete()
    },

    /**
     * Deletes grants and everything issued under them (the adapter's revokeByGrantId over every kind:
     * access and refresh tokens, authorization and device codes), in one transaction. Answers how many
     * grants were deleted.
     */
    async deleteGrantsById(grantIds: readonly string[]): Promise<number> {
      if (grantIds.length === 0) return 0
      return transactionRetryingLockConflicts(db, async (trx) => {
        await trx('oidc_payloads').whereIn('grant_id', grantIds).delete()
        return trx('oidc_payloads').where('kind', 'Grant').whereIn('id', grantIds).delete()
      })
    },
  }
}
