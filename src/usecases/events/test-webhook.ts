import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { openEndpointSecrets } from '../../infra/events/endpoint-secrets.js'
import { signedHeaders } from '../../infra/events/delivery-worker.js'
import { postWebhook, type WebhookResponse } from '../../infra/events/webhook-client.js'
import { newEventId } from '../../infra/repositories/audit.js'
import { VERSION } from '../../version.js'
import { findWebhookOrFail } from './find-webhook.js'

/**
 * Sends a `webhook.test` message to an endpoint now, signed and guarded as every delivery is, and
 * answers what came back (webhook:test): for an operator wiring a receiver. It is no event and is not
 * queued or retried; the test itself is recorded as webhook.changed (tested). Throws webhook.not_found.
 */
export async function testWebhook(ctx: Context, input: { name: string }): Promise<WebhookResponse & { id: string; ok: boolean }> {
  const endpoint = await findWebhookOrFail(ctx, input.name)
  const id = newEventId()
  const sentAt = new Date()
  const body = JSON.stringify({ type: 'webhook.test', timestamp: sentAt.toISOString(), data: { endpoint: endpoint.name } })
  const secrets = await openEndpointSecrets(ctx.secretBox, endpoint, sentAt.getTime())
  const response = await postWebhook(endpoint.url, body, signedHeaders(id, sentAt, body, secrets), {
    allowPrivate: ctx.config.webhookAllowPrivate,
    timeoutMs: ctx.config.webhookTimeoutMs,
    userAgent: `Heimdall/${VERSION} (webhooks)`,
  })
  const ok = response.statusCode !== null && response.statusCode >= 200 && response.statusCode < 300
  await ctx.audit.insertAuditEvent({ type: 'webhook.tested', detail: { endpoint: endpoint.name, status_code: response.statusCode, error: response.error }, emits: event('webhook.changed', { endpoint: endpoint.name, change: 'tested' }), actor: 'operator' })
  return { ...response, id, ok }
}
