import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { findWebhookOrFail } from './find-webhook.js'

/** Deletes an endpoint with its queue and delivery history (webhook:delete); recorded as webhook.changed (deleted). Throws webhook.not_found. */
export async function deleteWebhook(ctx: Context, input: { name: string }): Promise<void> {
  const row = await findWebhookOrFail(ctx, input.name)
  await ctx.transaction(async (tx) => {
    await tx.webhooks.deleteWebhookEndpointById(row.id)
    await tx.audit.insertAuditEvent({ type: 'webhook.deleted', detail: { endpoint: row.name }, emits: event('webhook.changed', { endpoint: row.name, change: 'deleted' }), actor: 'operator' })
  })
}
