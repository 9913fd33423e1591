import type { Knex } from 'knex'

export interface AuditEvent {
  type: string
  userId?: string | null
  sessionId?: string | null
  /** Facts about the event; never a password, token or hash. */
  detail?: Record<string, unknown>
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
  }
}
