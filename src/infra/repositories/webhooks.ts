import type { Knex } from 'knex'
import { whereClaimable } from '../db/leased-rows.js'
import type { WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow } from '../db/tables.js'

export type WebhooksRepository = ReturnType<typeof createWebhooksRepository>

/** What the worker knows about one queue, per endpoint, for the metrics. */
export interface WebhookQueueStats {
  endpoint: string
  /** Deliveries not yet delivered nor failed. */
  queued: number
  /** Epoch ms of the oldest of them, null when none. */
  oldestCreatedAt: number | null
}

const UNDELIVERED = ['pending', 'sending']

/**
 * Webhook endpoints, their deliveries (one per event and endpoint, queued by the event writer in
 * infra/repositories/audit.ts) and the attempts at each: the only SQL on them.
 *
 * Claims: each endpoint's queue is delivered in order, one at a time, so only its head (its oldest
 * undelivered delivery) is ever claimable. A claim is a conditional UPDATE (status and lease in the
 * WHERE): PostgreSQL and InnoDB re-check it under the row lock and SQLite has one writer, so among
 * any number of workers (processes, instances) exactly one wins a head. A claim is a lease
 * (claimed_until): a worker that died mid-delivery leaves a head that is claimed again once its lease
 * has run out, and delivered again (at least once; receivers dedupe on webhook-id).
 */
export function createWebhooksRepository(db: Knex) {
  const claimable = whereClaimable

  return {
    async insertWebhookEndpoint(row: WebhookEndpointRow): Promise<void> {
      await db('webhook_endpoints').insert(row)
    },

    async findWebhookEndpointByName(name: string): Promise<WebhookEndpointRow | undefined> {
      return db<WebhookEndpointRow>('webhook_endpoints').where({ name }).first()
    },

    async findWebhookEndpointById(id: string): Promise<WebhookEndpointRow | undefined> {
      return db<WebhookEndpointRow>('webhook_endpoints').where({ id }).first()
    },

    async findWebhookEndpoints(): Promise<WebhookEndpointRow[]> {
      return db<WebhookEndpointRow>('webhook_endpoints').orderBy('name')
    },

    /** Answers false when it was already in that state (or is gone). */
    async updateWebhookEndpointEnabled(id: string, enabled: boolean, reason: string | null, now: number): Promise<boolean> {
      return (await db('webhook_endpoints').where({ id, enabled: !enabled }).update({ enabled, disabled_reason: reason, updated_at: now })) > 0
    },

    async updateWebhookEndpointSecret(id: string, secret: { sealed: string; previousSealed: string | null; previousUntil: number | null }, now: number): Promise<void> {
      await db('webhook_endpoints').where({ id }).update({ secret_sealed: secret.sealed, previous_secret_sealed: secret.previousSealed, previous_secret_until: secret.previousUntil, updated_at: now })
    },

    /** Its deliveries and their attempts go with it (ON DELETE CASCADE). */
    async deleteWebhookEndpointById(id: string): Promise<boolean> {
      // SQLite enforces the cascade only with foreign_keys on: delete the children explicitly.
      const deliveryIds = db('webhook_deliveries').where({ endpoint_id: id }).select('id')
      await db('webhook_attempts').whereIn('delivery_id', deliveryIds).delete()
      await db('webhook_deliveries').where({ endpoint_id: id }).delete()
      return (await db('webhook_endpoints').where({ id }).delete()) > 0
    },

    /** The head of every enabled endpoint's queue that is due (or whose claim lapsed) at `now`. */
    async findClaimableHeads(now: number): Promise<WebhookDeliveryRow[]> {
      const heads = await db('webhook_deliveries as d')
        .join('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
        .where('e.enabled', true)
        .whereIn('d.status', UNDELIVERED)
        .groupBy('d.endpoint_id')
        .select('d.endpoint_id')
        .min({ head: 'd.id' })
      if (heads.length === 0) return []
      const rows: WebhookDeliveryRow[] = await claimable(db('webhook_deliveries').whereIn('id', (heads as Array<{ head: number | string }>).map((row) => Number(row.head))), now)
      return rows
    },

    /** Claims one head for `worker` until `claimedUntil`, counting the attempt; answers the row if this worker won it. */
    async claimDelivery(id: number, worker: string, now: number, claimedUntil: number): Promise<WebhookDeliveryRow | undefined> {
      const won = await claimable(db('webhook_deliveries').where({ id }), now).update({ status: 'sending', claimed_by: worker, claimed_until: claimedUntil, attempts: db.raw('attempts + 1') })
      if (won === 0) return undefined
      return db<WebhookDeliveryRow>('webhook_deliveries').where({ id, claimed_by: worker, status: 'sending' }).first()
    },

    /**
     * Extends this worker's claim to `claimedUntil` (milliseconds) if it still holds it at `now`:
     * answers false once the lease has run out, whether or not another worker has taken the row since.
     */
    async renewClaim(id: number, worker: string, now: number, claimedUntil: number): Promise<boolean> {
      const renewed = await db('webhook_deliveries').where({ id, claimed_by: worker, status: 'sending' }).where('claimed_until', '>=', now).update({ claimed_until: claimedUntil })
      return renewed > 0
    },

    async insertWebhookAttempt(attempt: Omit<WebhookAttemptRow, 'id'>): Promise<void> {
      await db('webhook_attempts').insert({ ...attempt, error: attempt.error?.slice(0, 2000) ?? null })
    },

    /** Records the outcome of this worker's claim; answers false if the claim had lapsed and another worker took the row. */
    async updateDeliveryOutcome(
      id: number,
      worker: string,
      outcome: { status: 'delivered' | 'pending' | 'failed'; now: number; nextAttemptAt?: number; statusCode: number | null; error: string | null },
    ): Promise<boolean> {
      const updated = await db('webhook_deliveries').where({ id, claimed_by: worker, status: 'sending' }).update({
        status: outcome.status,
        delivered_at: outcome.status === 'delivered' ? outcome.now : null,
        next_attempt_at: outcome.nextAttemptAt ?? outcome.now,
        last_status_code: outcome.statusCode,
        last_error: outcome.error?.slice(0, 2000) ?? null,
        claimed_until: null,
      })
      return updated > 0
    },

    /**
     * Deletes up to `limit` deliveries delivered before `before` (milliseconds), with their attempts;
     * answers how many deliveries went. Pending and failed ones stay (webhook:replay needs them).
     */
    async deleteDeliveredBefore(before: number, limit: number): Promise<number> {
      const rows: Array<{ id: number }> = await db('webhook_deliveries').where('status', 'delivered').where('delivered_at', '<', before).limit(limit).select('id')
      if (rows.length === 0) return 0
      const ids = rows.map((row) => row.id)
      await db('webhook_attempts').whereIn('delivery_id', ids).delete()
      return db('webhook_deliveries').whereIn('id', ids).where('status', 'delivered').delete()
    },

    async findDeliveryById(id: number): Promise<WebhookDeliveryRow | undefined> {
      return db<WebhookDeliveryRow>('webhook_deliveries').where({ id }).first()
    },

    /** Newest first. */
    async findDeliveriesByEndpointId(endpointId: string, limit: number): Promise<WebhookDeliveryRow[]> {
      return db<WebhookDeliveryRow>('webhook_deliveries').where({ endpoint_id: endpointId }).orderBy('id', 'desc').limit(limit)
    },

    async findAttemptsByDeliveryIds(ids: number[]): Promise<WebhookAttemptRow[]> {
      if (ids.length === 0) return []
      return db<WebhookAttemptRow>('webhook_attempts').whereIn('delivery_id', ids).orderBy('id')
    },

    /**
     * Queues a delivery again (webhook:replay): a delivered or failed one goes back to pending with a
     * fresh count of attempts, keeping its id and webhook-id (receivers that saw it dedupe). Answers
     * false for one still queued.
     */
    async updateDeliveryRequeued(id: number, now: number): Promise<boolean> {
      return (await db('webhook_deliveries').where({ id }).whereIn('status', ['delivered', 'failed']).update({ status: 'pending', attempts: 0, next_attempt_at: now, created_at: now, claimed_by: null, claimed_until: null })) > 0
    },

    /** Queues events for one endpoint that had no delivery of them (replay of events from before it existed or while it was disabled). */
    async insertDeliveries(rows: Array<Pick<WebhookDeliveryRow, 'endpoint_id' | 'event_row_id' | 'event_id' | 'event_type'>>, now: number): Promise<void> {
      if (rows.length === 0) return
      await db('webhook_deliveries').insert(rows.map((row) => ({ ...row, status: 'pending', attempts: 0, next_attempt_at: now, created_at: now })))
    },

    /** Per endpoint: the undelivered count and the oldest undelivered delivery's creation. */
    async findQueueStats(): Promise<WebhookQueueStats[]> {
      const rows = await db('webhook_endpoints as e')
        .leftJoin('webhook_deliveries as d', (join) => join.on('d.endpoint_id', '=', 'e.id').onIn('d.status', UNDELIVERED))
        .groupBy('e.name')
        .select('e.name')
        .count({ queued: 'd.id' })
        .min({ oldest: 'd.created_at' })
      return (rows as unknown as Array<{ name: string; queued: number | string; oldest: number | string | null }>).map((row) => ({
        endpoint: row.name,
        queued: Number(row.queued),
        oldestCreatedAt: row.oldest === null ? null : Number(row.oldest),
      }))
    },
  }
}
