import type { Knex } from 'knex'
import type { AuditEventRow } from '../db/tables.js'

export interface AuditEvent {
  type: string
  userId?: string | null
  sessionId?: string | null
  /** Facts about the event; never a password, token or hash. */
  detail?: Record<string, unknown>
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

export function createAuditRepository(db: Knex) {
  return {
    async insertAuditEvent(event: AuditEvent, now = Date.now()): Promise<void> {
      await db('audit_events').insert({
        type: event.type,
        user_id: event.userId ?? null,
        session_id: event.sessionId ?? null,
        detail: event.detail ? JSON.stringify(event.detail) : null,
        created_at: now,
      })
    },

    /** User ids of the events of one type since a moment: how other processes learn of deleted users. */
    async findUserIdsByEventTypeSince(type: string, since: number): Promise<Array<{ user_id: string; created_at: number }>> {
      return db('audit_events').where({ type }).where('created_at', '>=', since).whereNotNull('user_id').select('user_id', 'created_at')
    },

    async findAuditEvents(query: AuditQuery): Promise<AuditEventRow[]> {
      const rows = db<AuditEventRow>('audit_events').orderBy('id', 'desc').limit(query.limit)
      if (query.userId !== undefined) rows.where({ user_id: query.userId })
      if (query.type !== undefined) rows.where({ type: query.type })
      if (query.since !== undefined) rows.where('created_at', '>=', query.since)
      return rows
    },
  }
}
