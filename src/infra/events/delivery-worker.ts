import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import { event } from '../../domain/events.js'
import { retryDelayMs, retryWindowOver } from '../../domain/webhook-retry.js'
import { VERSION } from '../../version.js'
import type { SecretBox } from '../data-keys/secret-box.js'
import type { WebhookDeliveryRow, WebhookEndpointRow } from '../db/tables.js'
import { isDatabaseUnavailable } from '../db/database-errors.js'
import type { Logger } from '../logger.js'
import type { OutageLog } from '../outage-log.js'
import { createAuditRepository } from '../repositories/audit.js'
import { createWebhooksRepository } from '../repositories/webhooks.js'
import { postWebhook } from './webhook-client.js'
import { openEndpointSecrets } from './endpoint-secrets.js'
import { webhookBody } from './webhook-body.js'
import { signWebhook as signWithSecrets } from './webhook-signature.js'

export type WebhookOutcome = 'delivered' | 'failed'

export interface DeliveryWorkerOptions {
  db: Knex
  secretBox: SecretBox
  logger: Logger
  allowPrivate: boolean
  timeoutMs: number
  retryBaseMs: number
  retryForSeconds: number
  pollMs: number
  /** How long a delivered delivery is kept (milliseconds); older ones are deleted, an hour apart. */
  keepDeliveredMs: number
  /** False until migrations are applied: the tables may not exist yet. */
  isReady: () => boolean
  /** Where a database outage is told, once for the whole outage (not once a pass). */
  databaseOutage: OutageLog
  /** One attempt's outcome, for the per-endpoint counters. */
  countOutcome: (endpoint: string, outcome: WebhookOutcome) => void
}

export interface DeliveryWorker {
  /** Looks for due deliveries now rather than at the next poll. */
  nudge(): void
  /** Stops polling and waits for the deliveries in flight. */
  stop(): Promise<void>
}

/** Deliveries in flight at once in one process; each endpoint has at most one. */
const MAX_IN_FLIGHT = 32

/** How often delivered deliveries past their keeping time are deleted (milliseconds), and how many per statement. */
const SWEEP_EVERY_MS = 3_600_000
const SWEEP_BATCH = 500

/**
 * Delivers the webhook queues, off the request path (a timer of `serve`, never a request). Each pass
 * claims the due head of every endpoint's queue that this process is not already delivering (see the
 * repository: exactly one worker in any number of processes wins a head) and starts its delivery
 * without waiting for it: a slow or dead endpoint holds only its own queue. A delivery's outcome is
 * recorded with its attempt; a failure is retried with backoff (domain/webhook-retry.ts) until the
 * retry window is over, and then the endpoint is disabled with a webhook.disabled event and one
 * error line. A claim is a lease (twice the timeout, and a second), renewed as the send starts; a
 * worker whose lease ran out before that sends nothing. A process killed mid-delivery leaves a lease
 * that runs out: the delivery is made again, with the same webhook-id. Delivered deliveries older
 * than `keepDeliveredMs` are deleted, with their attempts, at the first pass and then hourly.
 */
export function startDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const worker = `${process.pid}-${randomUUID().slice(0, 8)}`
  const webhooks = createWebhooksRepository(options.db)
  const leaseMs = options.timeoutMs * 2 + 1000
  const inFlight = new Map<string, Promise<void>>()
  // Stopping interrupts deliveries in flight: a shutdown does not wait out a slow endpoint's timeout.
  const stopping = new AbortController()
  let timer: NodeJS.Timeout | undefined
  let passing: Promise<void> | undefined
  let again = false
  let stopped = false

  let sweptAt = 0

  async function pass(): Promise<void> {
    if (!options.isReady() || stopped) return
    const now = Date.now()
    if (now - sweptAt >= SWEEP_EVERY_MS) {
      sweptAt = now
      await sweepDelivered(now - options.keepDeliveredMs)
    }
    for (const head of await webhooks.findClaimableHeads(now)) {
      if (inFlight.has(head.endpoint_id) || inFlight.size >= MAX_IN_FLIGHT || stopped) continue
      const claimed = await webhooks.claimDelivery(head.id, worker, now, now + leaseMs)
      if (!claimed) continue
      const delivery = deliver(claimed)
        .catch((err: unknown) => options.logger.error({ err, delivery_id: claimed.id, event_id: claimed.event_id }, 'webhook delivery failed to record'))
        .finally(() => {
          inFlight.delete(claimed.endpoint_id)
          // The endpoint's next delivery may be due now: in order, without waiting for the poll.
          run()
        })
      inFlight.set(claimed.endpoint_id, delivery)
    }
  }

  async function deliver(row: WebhookDeliveryRow): Promise<void> {
    const endpoint = await webhooks.findWebhookEndpointById(row.endpoint_id)
    const eventRow = await createAuditRepository(options.db).findEventRowById(row.event_row_id)
    if (!endpoint || !eventRow) return
    const body = webhookBody(eventRow)
    const sentAt = new Date()
    const secrets = await openEndpointSecrets(options.secretBox, endpoint, sentAt.getTime())
    // The reads above may have used up much of the lease on a loaded machine: the send starts with a
    // whole lease (longer than its timeout), or not at all once the lease has run out, when another
    // worker may already be sending the same delivery.
    const sending = Date.now()
    if (!(await webhooks.renewClaim(row.id, worker, sending, sending + leaseMs))) return
    const response = await postWebhook(endpoint.url, body, signedHeaders(row.event_id, sentAt, body, secrets), {
      allowPrivate: options.allowPrivate,
      timeoutMs: options.timeoutMs,
      userAgent: `Heimdall/${VERSION} (webhooks)`,
      signal: stopping.signal,
    })
    if (stopping.signal.aborted) {
      // Not the endpoint's failure: back to its queue at once, for this or another instance.
      await webhooks.updateDeliveryOutcome(row.id, worker, { status: 'pending', now: Date.now(), statusCode: null, error: 'interrupted: the server stopped' })
      return
    }
    const ok = response.statusCode !== null && response.statusCode >= 200 && response.statusCode < 300
    const error = ok ? null : (response.error ?? describeStatus(response.statusCode))
    await webhooks.insertWebhookAttempt({ delivery_id: row.id, attempt: row.attempts, started_at: sentAt.getTime(), latency_ms: response.latencyMs, status_code: response.statusCode, error })
    const now = Date.now()
    if (ok) {
      await webhooks.updateDeliveryOutcome(row.id, worker, { status: 'delivered', now, statusCode: response.statusCode, error: null })
      options.countOutcome(endpoint.name, 'delivered')
      options.logger.debug({ endpoint: endpoint.name, event_id: row.event_id, delivery_id: row.id, attempt: row.attempts, latency_ms: response.latencyMs }, 'webhook delivered')
      return
    }
    options.countOutcome(endpoint.name, 'failed')
    const fields = { endpoint: endpoint.name, event_id: row.event_id, event_type: row.event_type, delivery_id: row.id, attempt: row.attempts, status_code: response.statusCode, error }
    if (retryWindowOver(Number(row.created_at), now, options.retryForSeconds)) {
      await giveUp(endpoint, row, error ?? 'failed', now)
      options.logger.error({ ...fields, retried_for_seconds: options.retryForSeconds }, 'webhook delivery failed for the whole retry window: endpoint disabled (heimdall webhook:replay sends it again once fixed)')
      return
    }
    const delay = retryDelayMs(row.attempts, options.retryBaseMs)
    await webhooks.updateDeliveryOutcome(row.id, worker, { status: 'pending', now, nextAttemptAt: now + delay, statusCode: response.statusCode, error })
    options.logger.warn({ ...fields, retry_in_ms: delay }, 'webhook delivery failed; will retry')
  }

  /** Deletes what was delivered before `before` (milliseconds), a batch at a time, between the passes' other work. */
  async function sweepDelivered(before: number): Promise<void> {
    let deleted = 0
    for (let batch = SWEEP_BATCH; batch === SWEEP_BATCH && !stopped; ) {
      batch = await webhooks.deleteDeliveredBefore(before, SWEEP_BATCH)
      deleted += batch
    }
    if (deleted > 0) options.logger.info({ deleted, delivered_before: new Date(before).toISOString() }, 'delivered webhooks past HEIMDALL_WEBHOOK_KEEP_DELIVERED deleted')
  }

  /** The delivery fails for good and its endpoint is disabled, with the event that says so, together. */
  async function giveUp(endpoint: WebhookEndpointRow, row: WebhookDeliveryRow, error: string, now: number): Promise<void> {
    const reason = `delivery of ${row.event_id} failed for ${options.retryForSeconds} s: ${error}`.slice(0, 500)
    await options.db.transaction(async (trx) => {
      const repository = createWebhooksRepository(trx)
      await repository.updateDeliveryOutcome(row.id, worker, { status: 'failed', now, statusCode: null, error })
      if (await repository.updateWebhookEndpointEnabled(endpoint.id, false, reason, now)) {
        await createAuditRepository(trx).insertAuditEvent({ type: 'webhook.disabled', detail: { endpoint: endpoint.name, reason }, emits: event('webhook.disabled', { endpoint: endpoint.name, reason }), actor: 'system' })
      }
    })
  }

  function run(): void {
    if (stopped) return
    if (passing) {
      again = true
      return
    }
    passing = pass()
      .catch((err: unknown) => {
        if (isDatabaseUnavailable(err)) options.databaseOutage.down(err)
        else if (options.isReady()) options.logger.error({ err }, 'webhook delivery pass failed')
      })
      .finally(() => {
        passing = undefined
        if (again && !stopped) {
          again = false
          run()
        }
      })
  }

  function schedule(): void {
    if (stopped) return
    timer = setTimeout(() => {
      run()
      schedule()
    }, options.pollMs)
    timer.unref()
  }
  schedule()

  return {
    nudge: run,
    async stop() {
      stopped = true
      clearTimeout(timer)
      stopping.abort()
      await passing
      await Promise.all(inFlight.values())
    },
  }
}

/** The Standard Webhooks headers of one attempt: the id stays the event's, the timestamp is the attempt's. */
export function signedHeaders(id: string, sentAt: Date, body: string, secrets: readonly string[]): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': Math.floor(sentAt.getTime() / 1000).toString(),
    'webhook-signature': signWithSecrets(secrets, id, sentAt, body),
  }
}

function describeStatus(statusCode: number | null): string {
  if (statusCode === null) return 'no answer'
  if (statusCode >= 300 && statusCode < 400) return `HTTP ${statusCode}: redirects are not followed`
  return `HTTP ${statusCode}`
}
