import type { Knex } from 'knex'
import type { FederationFlowRow, PendingLinkRow } from '../db/tables.js'

export type FederationFlowsRepository = ReturnType<typeof createFederationFlowsRepository>

/** Upstream sign-ins in flight and links waiting for a proof: single-use rows, the only SQL on them. */
export function createFederationFlowsRepository(db: Knex) {
  return {
    async insertFlow(row: Omit<FederationFlowRow, 'consumed_at'>): Promise<void> {
      await db('federation_flows').insert(row)
    },

    /**
     * Spends a live flow and answers it; undefined when it is unknown, expired or already spent. The
     * one conditional UPDATE decides between two callbacks that arrive together: one of them gets it.
     */
    async consumeFlow(idHash: string, now: number): Promise<FederationFlowRow | undefined> {
      const spent = await db('federation_flows').where({ id_hash: idHash }).whereNull('consumed_at').where('expires_at', '>', now).update({ consumed_at: now })
      if (spent === 0) return undefined
      return db<FederationFlowRow>('federation_flows').where({ id_hash: idHash }).first()
    },

    async insertPendingLink(row: Omit<PendingLinkRow, 'consumed_at'>): Promise<void> {
      await db('federation_pending_links').insert(row)
    },

    /** A live pending link, without spending it (the page shows whose account must be proven). */
    async findLivePendingLink(tokenHash: string, now: number): Promise<PendingLinkRow | undefined> {
      return db<PendingLinkRow>('federation_pending_links').where({ token_hash: tokenHash }).whereNull('consumed_at').where('expires_at', '>', now).first()
    },

    /** Spends a live pending link; answers false to every caller but the first. */
    async consumePendingLink(tokenHash: string, now: number): Promise<boolean> {
      const spent = await db('federation_pending_links').where({ token_hash: tokenHash }).whereNull('consumed_at').where('expires_at', '>', now).update({ consumed_at: now })
      return spent > 0
    },

    /** Removes flows and pending links that expired before `now`; answers how many. */
    async deleteExpiredBefore(now: number): Promise<number> {
      const flows = await db('federation_flows').where('expires_at', '<', now).delete()
      const links = await db('federation_pending_links').where('expires_at', '<', now).delete()
      return flows + links
    },
  }
}
