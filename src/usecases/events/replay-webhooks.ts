import type { Context } from '../../context.js'
import { event, matchesEventPatterns } from '../../domain/events.js'
import { HeimdallError } from '../../errors.js'
import { findWebhookOrFail } from './find-webhook.js'

/** Events looked at by one replay at most: a longer history is replayed in steps (--since a later time). */
const MAX_REPLAYED = 10_000

/**
 * Sends one delivery again (by id), or every event since `since` (epoch ms) to one endpoint or to
 * every enabled one (webhook:replay). A delivered or failed delivery goes back to its queue with its
 * webhook-id (receivers that had it dedupe); an event the endpoint never had (it did not exist, or
 * was disabled) is queued for it. Recorded as webhook.changed (replayed). Answers how many were
 * queued. Throws webhook.delivery_not_found, webhook.delivery_queued, webhook.not_found.
 */
export async function replayWebhooks(ctx: Context, input: { deliveryId: number } | { since: number; name?: string }): Promise<{ queued: number }> {
  const now = Date.now()
  if ('deliveryId' in input) {
    const delivery = await ctx.webhooks.findDeliveryById(input.deliveryId)
    if (!delivery) throw new HeimdallError('webhook.delivery_not_found', `No webhook delivery with id ${input.deliveryId}`)
    const endpoint = await ctx.webhooks.findWebhookEndpointById(delivery.endpoint_id)
    await ctx.transaction(async (tx) => {
      if (!(await tx.webhooks.updateDeliveryRequeued(delivery.id, now))) throw new HeimdallError('webhook.delivery_queued', `Delivery ${delivery.id} is still queued (${delivery.status}): it will be sent`)
      await recordReplay(tx, endpoint?.name ?? delivery.endpoint_id, 1)
    })
    return { queued: 1 }
  }
  const endpoints = input.name !== undefined ? [await findWebhookOrFail(ctx, input.name)] : (await ctx.webhooks.findWebhookEndpoints()).filter((row) => Boolean(row.enabled))
  const events = await ctx.audit.findEventRowsSince(input.since, MAX_REPLAYED)
  let queued = 0
  for (const endpoint of endpoints) {
    const patterns = JSON.parse(endpoint.events) as string[]
    const matching = events.filter((row) => matchesEventPatterns(row.event_type!, patterns))
    const existing = new Map((await ctx.webhooks.findDeliveriesByEndpointId(endpoint.id, MAX_REPLAYED * 2)).map((row) => [row.event_id, row]))
    const count = await ctx.transaction(async (tx) => {
      let count = 0
      for (const row of matching) {
        const delivery = existing.get(row.event_id!)
        if (delivery) count += (await tx.webhooks.updateDeliveryRequeued(delivery.id, now)) ? 1 : 0
      }
      const missing = matching.filter((row) => !existing.has(row.event_id!))
      await tx.webhooks.insertDeliveries(missing.map((row) => ({ endpoint_id: endpoint.id, event_row_id: row.id, event_id: row.event_id!, event_type: row.event_type! })), now)
      count += missing.length
      await recordReplay(tx, endpoint.name, count)
      return count
    })
    queued += count
  }
  return { queued }
}

async function recordReplay(tx: Parameters<Parameters<Context['transaction']>[0]>[0], endpoint: string, count: number): Promise<void> {
  await tx.audit.insertAuditEvent({ type: 'webhook.replayed', detail: { endpoint, count }, emits: event('webhook.changed', { endpoint, change: 'replayed', count }), actor: 'operator' })
}
