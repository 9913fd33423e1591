import { randomUUID } from 'node:crypto'
import type { Knex } from 'knex'
import { matchesEventPatterns, type HeimdallEvent } from '../../domain/events.js'
import { dialectOf, insertReturningId } from '../db/dialect.js'
import type { AuditEventRow } from '../db/tables.js'

export interface AuditEvent {
  type: string
  userId?: string | null
  sessionId?: string | null
  /** Facts about the event; never a password, token or hash. */
  detail?: Record<string, unknown>
  /**
   * The catalogue event this entry records (src/domain/events.ts): a state change. It gets an event
   * id and is queued for every enabled webhook endpoint subscribed to its type, in the same
   * transaction as the entry. Entries without one (a failed login, a token issued) stay in the audit
   * trail only.
   */
  emits?: HeimdallEvent
  /** Who made the change: 'self', 'operator', 'system', 'user:<id>'...; default 'system'. */
  actor?: string
}

export interface AuditQuery {
  userId?: string
  type?: string
  since?: number
  limit: number
}

/** A deleted user leaves no row behind to poll: this event is its tombstone for other processes' caches. */
export const USER_DELETED_EVENT = 'user.deleted'

export type AuditRepository = ReturnType<typeof createAuditRepository>

export interface AuditRepositoryOptions {
  /**
   * Called with a catalogue event's type once the transaction that wrote it has committed (the
   * outermost one, when the entry was written in a savepoint), never when it rolled back: what
   * wakes this process's Shared Signals push sender (usecases/ssf/push-events.ts). It must not throw.
   */
  eventCommitted?: (eventType: string) => void
}

/** A webhook-id: unique per event, the same for every delivery and retry of it (receivers dedupe on it). */
export function newEventId(): string {
  return `evt_${randomUUID().replaceAll('-', '')}`
}

/**
 * The audit trail, which is also the event log: one row per thing that happened, written by the use
 * case that made it happen through the handle it holds (inside its transaction when it has one).
 */
export function createAuditRepository(db: Knex, options: AuditRepositoryOptions = {}) {
  /** The row, then one delivery per matching endpoint: both or neither (a transaction of their own when the caller has none). */
  async function insertEventRow(trx: Knex, event: AuditEvent & { emits: HeimdallEvent }, now: number): Promise<void> {
    const eventId = newEventId()
    const rowId = await insertReturningId(trx, 'audit_events', {
      ...baseRow(event, now),
      event_id: eventId,
      event_type: event.emits.type,
      payload: JSON.stringify(event.emits.data),
      actor: event.actor ?? 'system',
    })
    // Share-locked until the event commits: an endpoint deleted meanwhile (webhook:delete) would leave
    // the delivery insert below a foreign-key violation, and the change that wrote the event (a
    // registration, a login) a 500. The delete waits instead, then cascades to what was queued.
    // SQLite has one writer at a time, and no row locks to take.
    const enabled = trx('webhook_endpoints').where({ enabled: true })
    const endpoints: Array<{ id: string; events: string }> = await (dialectOf(trx) === 'sqlite' ? enabled : enabled.forShare()).select('id', 'events')
    // Scheduling runs on the system clock (the worker's), whatever clock stamped the event.
    const queuedAt = Date.now()
    const deliveries = endpoints
      .filter((endpoint) => matchesEventPatterns(event.emits.type, JSON.parse(endpoint.events) as string[]))
      .map((endpoint) => ({ endpoint_id: endpoint.id, event_row_id: rowId, event_id: eventId, event_type: event.emits.type, status: 'pending', attempts: 0, next_attempt_at: queuedAt, created_at: queuedAt }))
    if (deliveries.length > 0) await trx('webhook_deliveries').insert(deliveries)
  }

  return {
    async insertAuditEvent(event: AuditEvent, now = Date.now()): Promise<void> {
      if (event.emits === undefined) {
        await db('audit_events').insert(baseRow(event, now))
        return
      }
      const emitting = event as AuditEvent & { emits: HeimdallEvent }
      const committed = options.eventCommitted
      if ((db as Knex.Transaction).isTransaction) {
        await insertEventRow(db, emitting, now)
        if (committed) afterCommit(db as Knex.Transaction, () => committed(emitting.emits.type))
      } else {
        await db.transaction((trx) => insertEventRow(trx, emitting, now))
        committed?.(emitting.emits.type)
      }
    },

    /** User ids of the events of one type since a moment: how other processes learn of deleted users. */
    async findUserIdsByEventTypeSince(type: string, since: number): Promise<Array<{ user_id: string; created_at: number }>> {
      return db('audit_events').where({ type }).where('created_at', '>=', since).whereNotNull('user_id').select('user_id', 'created_at')
    },

    async findAuditEvents(query: AuditQuery): Promise<AuditEventRow[]> {
      const rows = db<AuditEventRow>('audit_events').orderBy('id', 'desc').limit(query.limit)
      if (query.userId !== undefined) rows.where({ user_id: query.userId })
      // --type names either the audit entry's type or the catalogue event's (user.created).
      if (query.type !== undefined) rows.where((either) => either.where({ type: query.type }).orWhere({ event_type: query.type }))
      if (query.since !== undefined) rows.where('created_at', '>=', query.since)
      return rows
    },

    /** Catalogue events (with an event id) at or after `since` (epoch ms), oldest first: what webhook:replay sends again. */
    async findEventRowsSince(since: number, limit: number): Promise<AuditEventRow[]> {
      return db<AuditEventRow>('audit_events').whereNotNull('event_id').where('created_at', '>=', since).orderBy('id').limit(limit)
    },

    async findEventRowById(id: number): Promise<AuditEventRow | undefined> {
      return db<AuditEventRow>('audit_events').where({ id }).first()
    },
  }
}

/**
 * Runs `then` once the outermost transaction around `trx` has committed. knex resolves a
 * transaction's executionPromise after COMMIT returns and rejects it on a rollback with an error
 * (every rollback of ours: a use case threw); a rollback without one resolves it, which costs a
 * needless wake at worst.
 */
function afterCommit(trx: Knex.Transaction, then: () => void): void {
  let outermost = trx
  while (outermost.parentTransaction) outermost = outermost.parentTransaction
  outermost.executionPromise.then(then, () => undefined)
}

function baseRow(event: AuditEvent, now: number) {
  return {
    type: event.type,
    user_id: event.userId ?? null,
    session_id: event.sessionId ?? null,
    detail: event.detail ? JSON.stringify(event.detail) : null,
    created_at: now,
  }
}
