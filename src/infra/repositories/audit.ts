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

    async findAuditEvents(query: AuditQuery): Promise<AuditEventRow[]> {
      const rows = db<AuditEventRow>('audit_events').orderBy('id', 'desc').limit(query.limit)
      if (query.userId !== undefined) rows.where({ user_id: query.userId })
      if (query.type !== undefined) rows.where({ type: query.type })
      if (query.since !== undefined) rows.where('created_at', '>=', query.since)
      return rows
    },
  }
}
