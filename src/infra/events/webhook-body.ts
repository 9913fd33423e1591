import type { AuditEventRow } from '../db/tables.js'

/**
 * The JSON body of an event's webhook (Standard Webhooks' shape): `type`, `timestamp` (ISO 8601, when
 * it happened) and `data` (the catalogue payload, docs/events.md). The same bytes for every attempt.
 */
export function webhookBody(row: Pick<AuditEventRow, 'event_type' | 'created_at' | 'payload'>): string {
  return JSON.stringify({ type: row.event_type, timestamp: new Date(Number(row.created_at)).toISOString(), data: JSON.parse(row.payload ?? '{}') })
}
