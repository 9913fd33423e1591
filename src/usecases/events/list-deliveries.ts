import type { Context } from '../../context.js'
import { findWebhookOrFail } from './find-webhook.js'

export interface DeliveryView {
  id: number
  eventId: string
  eventType: string
  status: string
  attempts: Array<{ attempt: number; startedAt: number; latencyMs: number; statusCode: number | null; error: string | null }>
  /** Epoch ms. */
  createdAt: number
  deliveredAt: number | null
  nextAttemptAt: number | null
}

/** An endpoint's deliveries, newest first, each with every attempt (status, latency, error). Throws webhook.not_found. */
export async function listDeliveries(ctx: Context, input: { name: string; limit: number }): Promise<DeliveryView[]> {
  const endpoint = await findWebhookOrFail(ctx, input.name)
  const rows = await ctx.webhooks.findDeliveriesByEndpointId(endpoint.id, input.limit)
  const attempts = await ctx.webhooks.findAttemptsByDeliveryIds(rows.map((row) => row.id))
  return rows.map((row) => ({
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: attempts
      .filter((attempt) => attempt.delivery_id === row.id)
      .map((attempt) => ({ attempt: attempt.attempt, startedAt: Number(attempt.started_at), latencyMs: attempt.latency_ms, statusCode: attempt.status_code, error: attempt.error })),
    createdAt: Number(row.created_at),
    deliveredAt: row.delivered_at === null ? null : Number(row.delivered_at),
    nextAttemptAt: row.status === 'pending' ? Number(row.next_attempt_at) : null,
  }))
}
