import { createRequire } from 'node:module'
import type * as PromClient from 'prom-client'
import { HeimdallError } from '../../errors.js'
import { VERSION } from '../../version.js'
import type { MetricsSnapshot } from '../cluster/cluster-metrics.js'
import type { PoolStats } from '../db/knex.js'
import { withDeadline } from '../db/probe.js'
import { createRequestMetrics } from './request-metrics.js'

export const VALIDATION_OUTCOMES = ['valid', 'expired', 'revoked', 'invalid'] as const
export const LOGIN_OUTCOMES = ['success', 'mfa_required', 'invalid_credentials', 'locked', 'disabled', 'email_not_verified', 'error'] as const
export const MAIL_OUTCOMES = ['sent', 'retried', 'failed'] as const
export type MailOutcome = (typeof MAIL_OUTCOMES)[number]
export type ValidationOutcome = (typeof VALIDATION_OUTCOMES)[number]
export type LoginOutcome = (typeof LOGIN_OUTCOMES)[number]

/** What the exporter reads at scrape time; nothing here runs on a request. */
export interface MetricSources {
  cacheStats(): { keys: number; hits: number; misses: number; hitRate: number }
  countActiveSessions(): Promise<number>
  /** Mails in the outbox not yet sent nor failed. */
  countUnsentMails(): Promise<number>
  /** Per webhook endpoint: undelivered deliveries and the creation (epoch ms) of the oldest. */
  webhookQueues(): Promise<Array<{ endpoint: string; queued: number; oldestCreatedAt: number | null }>>
  poolStats(): PoolStats | undefined
  /** The other workers' families when this process is one of several sharing a port. */
  siblingSnapshots(): Promise<MetricsSnapshot[]>
}

export interface Scrape {
  contentType: string
  body: string
}

/**
 * Outcomes are recorded by the use cases as plain integer increments (no label objects, no
 * prom-client on the hot path, nothing for the CLI to load); the Prometheus registry is built on
 * first use by the HTTP door, one per Context, and turns the tallies into families when scraped.
 */
export interface Metrics {
  /** Every HTTP request, for /health/detailed. */
  totalRequests: number
  readonly startedAt: number
  countValidation(outcome: ValidationOutcome): void
  countLogin(outcome: LoginOutcome): void
  /** One outbox send attempt of this process: sent, retried later, or failed for good. */
  countMail(outcome: MailOutcome): void
  /** One webhook delivery attempt of this process to `endpoint` (its name): delivered, or failed (retried or not). */
  countWebhook(endpoint: string, outcome: 'delivered' | 'failed'): void
  /** One finished HTTP request: `route` is the matched pattern (bounded), never the raw path. */
  observeRequest(method: string, route: string, status: number, seconds: number): void
  /** This process's families, for a sibling worker's scrape. */
  snapshot(): Promise<MetricsSnapshot>
  /** The exposition of every worker of this instance, counts added up. */
  scrape(): Promise<Scrape>
}

const ACTIVE_SESSIONS_MAX_AGE_MS = 5_000
const ACTIVE_SESSIONS_TIMEOUT_MS = 1_000
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

export function createMetrics(sources: MetricSources): Metrics {
  const validations = tally(VALIDATION_OUTCOMES)
  const logins = tally(LOGIN_OUTCOMES)
  const mails = tally(MAIL_OUTCOMES)
  // Keyed by endpoint name: bounded by the endpoints an operator made.
  const webhooks = new Map<string, { delivered: number; failed: number }>()
  const requests = createRequestMetrics(DURATION_BUCKETS)
  let exporter: ReturnType<typeof createExporter> | undefined
  const exporterOf = () => (exporter ??= createExporter(sources, validations, logins, mails, webhooks))
  const metrics: Metrics = {
    totalRequests: 0,
    startedAt: Date.now(),
    countValidation(outcome) {
      validations[outcome]++
    },
    countLogin(outcome) {
      logins[outcome]++
    },
    countMail(outcome) {
      mails[outcome]++
    },
    countWebhook(endpoint, outcome) {
      let counts = webhooks.get(endpoint)
      if (!counts) webhooks.set(endpoint, (counts = { delivered: 0, failed: 0 }))
      counts[outcome]++
    },
    observeRequest(method, route, status, seconds) {
      requests.observe(method, route, status, seconds)
    },
    async snapshot() {
      const families = [...(await exporterOf().registry.getMetricsAsJSON()), ...requests.toJSON()]
      // prom-client leaves per-process families (process_start_time_seconds) out of a total: the
      // instance's start is its earliest worker's.
      return families.map((family) => (family.aggregator === 'omit' ? { ...family, aggregator: 'min' } : family))
    },
    async scrape() {
      const [own, siblings] = await Promise.all([
        metrics.snapshot(),
        sources.siblingSnapshots().catch((err: unknown) => {
          // Counts without a worker's share would go down and read as a counter reset: no answer is better.
          throw new HeimdallError('metrics.incomplete', `Metrics are incomplete: ${(err as Error).message}; try again`)
        }),
      ])
      const total = exporterOf().prom.AggregatorRegistry.aggregate([own, ...siblings] as PromClient.MetricObjectWithValues<PromClient.MetricValue<string>>[][])
      return { contentType: total.contentType, body: await total.metrics() }
    },
  }
  return metrics
}

function tally<T extends string>(outcomes: readonly T[]): Record<T, number> {
  return Object.fromEntries(outcomes.map((outcome) => [outcome, 0])) as Record<T, number>
}

function createExporter(
  sources: MetricSources,
  validations: Record<ValidationOutcome, number>,
  logins: Record<LoginOutcome, number>,
  mails: Record<MailOutcome, number>,
  webhooks: Map<string, { delivered: number; failed: number }>,
) {
  // prom-client takes ~150 ms to load: only a server that serves requests pays for it.
  const prom = createRequire(import.meta.url)('prom-client') as typeof PromClient
  const registry = new prom.Registry()
  const registers = [registry]
  prom.collectDefaultMetrics({ register: registry })

  new prom.Gauge({ name: 'heimdall_build_info', help: 'Always 1; the version is a label', labelNames: ['version'], registers, aggregator: 'first' }).set({ version: VERSION }, 1)

  tallyCounter(prom, registers, 'heimdall_token_validations_total', 'Access-token validations by outcome (HTTP, introspection and CLI)', validations)
  tallyCounter(prom, registers, 'heimdall_logins_total', 'Login attempts that reached the login use case, by outcome', logins)
  tallyCounter(prom, registers, 'heimdall_mails_total', 'Outbox send attempts by outcome: sent, retried (will be tried again), failed (no attempts left)', mails)

  new prom.Counter({
    name: 'heimdall_session_cache_hits_total',
    help: 'Session read-model lookups answered from memory',
    registers,
    collect() {
      this.reset()
      this.inc(sources.cacheStats().hits)
    },
  })
  new prom.Counter({
    name: 'heimdall_session_cache_misses_total',
    help: 'Session read-model lookups that read the database',
    registers,
    collect() {
      this.reset()
      this.inc(sources.cacheStats().misses)
    },
  })
  new prom.Gauge({
    name: 'heimdall_session_cache_hit_ratio',
    help: 'Hits / (hits + misses) of the session read model since start (0 before any lookup; the mean of the workers)',
    registers,
    aggregator: 'average',
    collect() {
      this.set(sources.cacheStats().hitRate)
    },
  })
  new prom.Gauge({
    name: 'heimdall_session_cache_entries',
    help: 'Sessions currently held by the read model',
    registers,
    collect() {
      this.set(sources.cacheStats().keys)
    },
  })

  const activeSessions = cachedCount(sources.countActiveSessions)
  new prom.Gauge({
    name: 'heimdall_active_sessions',
    help: `Sessions neither revoked nor expired (a COUNT query, reused for ${ACTIVE_SESSIONS_MAX_AGE_MS / 1000} s)`,
    registers,
    // Every worker counts the same table.
    aggregator: 'max',
    async collect() {
      const count = await activeSessions()
      if (count !== undefined) this.set(count)
    },
  })

  const unsentMails = cachedCount(sources.countUnsentMails)
  new prom.Gauge({
    name: 'heimdall_mail_outbox_pending',
    help: `Mails in the outbox neither sent nor failed (a COUNT query, reused for ${ACTIVE_SESSIONS_MAX_AGE_MS / 1000} s)`,
    registers,
    aggregator: 'max',
    async collect() {
      const count = await unsentMails()
      if (count !== undefined) this.set(count)
    },
  })

  for (const outcome of ['delivered', 'failed'] as const) {
    new prom.Counter({
      name: `heimdall_webhook_${outcome}_total`,
      help: outcome === 'delivered' ? 'Webhook deliveries answered 2xx, per endpoint' : 'Webhook delivery attempts that failed (error, timeout, non-2xx), per endpoint; each is retried until the retry window is over',
      labelNames: ['endpoint'],
      registers,
      collect() {
        this.reset()
        for (const [endpoint, counts] of webhooks) this.inc({ endpoint }, counts[outcome])
      },
    })
  }
  const webhookQueues = cachedCount(async () => {
    queueStats = await sources.webhookQueues()
    return queueStats.length
  })
  let queueStats: Awaited<ReturnType<MetricSources['webhookQueues']>> = []
  new prom.Gauge({
    name: 'heimdall_webhook_queue_depth',
    help: 'Webhook deliveries neither delivered nor failed, per endpoint (the retry queue included)',
    labelNames: ['endpoint'],
    registers,
    aggregator: 'max',
    async collect() {
      await webhookQueues()
      this.reset()
      for (const stats of queueStats) this.set({ endpoint: stats.endpoint }, stats.queued)
    },
  })
  new prom.Gauge({
    name: 'heimdall_webhook_oldest_undelivered_seconds',
    help: 'Age of the oldest webhook delivery not yet delivered, per endpoint (0 when none)',
    labelNames: ['endpoint'],
    registers,
    aggregator: 'max',
    async collect() {
      await webhookQueues()
      this.reset()
      for (const stats of queueStats) this.set({ endpoint: stats.endpoint }, stats.oldestCreatedAt === null ? 0 : Math.max(0, (Date.now() - stats.oldestCreatedAt) / 1000))
    },
  })

  const pool = (read: (stats: PoolStats) => number) =>
    function (this: PromClient.Gauge) {
      const stats = sources.poolStats()
      if (stats) this.set(read(stats))
    }
  new prom.Gauge({ name: 'heimdall_db_pool_used', help: 'Database connections in use (knex/tarn pool)', registers, collect: pool((s) => s.used) })
  new prom.Gauge({ name: 'heimdall_db_pool_free', help: 'Idle database connections in the pool', registers, collect: pool((s) => s.free) })
  new prom.Gauge({ name: 'heimdall_db_pool_pending_acquires', help: 'Queries waiting for a connection', registers, collect: pool((s) => s.pendingAcquires) })
  new prom.Gauge({ name: 'heimdall_db_pool_pending_creates', help: 'Connections being opened', registers, collect: pool((s) => s.pendingCreates) })
  new prom.Gauge({ name: 'heimdall_db_pool_max', help: 'Pool size limit (1 for SQLite: one connection serialises all queries)', registers, collect: pool((s) => s.max) })

  return { prom, registry }
}

/** A counter whose values are the use cases' integer tallies, read when scraped. */
function tallyCounter<T extends string>(prom: typeof PromClient, registers: PromClient.Registry[], name: string, help: string, counts: Record<T, number>) {
  const outcomes = Object.keys(counts) as T[]
  new prom.Counter({
    name,
    help,
    labelNames: ['outcome'],
    registers,
    collect() {
      this.reset()
      for (const outcome of outcomes) this.inc({ outcome }, counts[outcome])
    },
  })
}

/** A scrape must stay cheap: the COUNT runs at most every few seconds, and a slow database cannot hold a scrape. */
function cachedCount(count: () => Promise<number>): () => Promise<number | undefined> {
  let last: { value: number; at: number } | undefined
  let inFlight: Promise<number | undefined> | undefined
  return () => {
    if (last && Date.now() - last.at < ACTIVE_SESSIONS_MAX_AGE_MS) return Promise.resolve(last.value)
    inFlight ??= withDeadline(count(), ACTIVE_SESSIONS_TIMEOUT_MS)
      .then((value) => {
        last = { value, at: Date.now() }
        return value
      })
      .catch(() => last?.value)
      .finally(() => {
        inFlight = undefined
      })
    return inFlight
  }
}
