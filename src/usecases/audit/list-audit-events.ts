import type { Context } from '../../context.js'
import { findUserByEmailOrFail } from '../users/find-user.js'

export interface AuditEventView {
  id: number
  type: string
  userId: string | null
  sessionId: string | null
  detail: Record<string, unknown> | null
  /** Epoch ms. */
  createdAt: number
  /** The catalogue event this entry records (docs/events.md), or null for an entry that is no change. */
  event: { id: string; type: string; data: Record<string, unknown>; actor: string | null } | null
}

export async function listAuditEvents(
  ctx: Context,
  input: { email?: string; type?: string; sinceSeconds?: number; limit: number },
): Promise<AuditEventView[]> {
  const userId = input.email === undefined ? undefined : (await findUserByEmailOrFail(ctx, input.email)).id
  // The audit repository stamps rows with the system time unless told otherwise (other processes'
  // revocation pollers read them), so "since" is counted on that clock, not ctx.clock.
  const since = input.sinceSeconds === undefined ? undefined : Date.now() - input.sinceSeconds * 1000
  const rows = await ctx.readers.audit.findAuditEvents({ userId, type: input.type, since, limit: input.limit })
  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    userId: row.user_id,
    sessionId: row.session_id,
    detail: row.detail ? JSON.parse(row.detail) : null,
    createdAt: Number(row.created_at),
    event: row.event_id === null || row.event_id === undefined ? null : { id: row.event_id, type: row.event_type!, data: JSON.parse(row.payload ?? '{}'), actor: row.actor },
  }))
}
