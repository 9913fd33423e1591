import { randomUUID } from 'node:crypto'
import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { endpointNameFromUrl, endpointProblems } from '../../domain/webhook-endpoint.js'
import { HeimdallError, validationError } from '../../errors.js'
import { isUniqueViolation } from '../../infra/db/unique-violation.js'
import { webhookSecretAssociatedData } from '../../infra/events/endpoint-secrets.js'
import { newWebhookSecret } from '../../infra/events/webhook-signature.js'
import { webhookView, type WebhookView } from './webhook-view.js'

/**
 * Registers a webhook endpoint (webhook:create): every event of the catalogue matching one of
 * `events` from now on is delivered to `url`, signed under a new `whsec_` secret that is answered
 * this once and sealed at rest under the data keys (bound to the endpoint's id). Recorded as
 * webhook.changed (created) in the same transaction. Throws validation.failed (domain/webhook-endpoint.ts)
 * and webhook.exists.
 */
export async function createWebhook(ctx: Context, input: { url: string; name?: string; events: string[] }): Promise<{ webhook: WebhookView; secret: string }> {
  const name = input.name ?? endpointNameFromUrl(input.url)
  const events = [...new Set(input.events)]
  const problems = endpointProblems({ url: input.url, name, events }, ctx.config.webhookAllowPrivate)
  if (problems.length > 0) throw validationError(problems)
  const id = randomUUID()
  const secret = newWebhookSecret()
  const now = ctx.clock.now()
  const row = {
    id,
    name,
    url: new URL(input.url).toString(),
    events: JSON.stringify(events),
    secret_sealed: await ctx.secretBox.seal(secret, webhookSecretAssociatedData(id)),
    previous_secret_sealed: null,
    previous_secret_until: null,
    enabled: true,
    disabled_reason: null,
    created_at: now,
    updated_at: now,
  }
  try {
    await ctx.transaction(async (tx) => {
      await tx.webhooks.insertWebhookEndpoint(row)
      await tx.audit.insertAuditEvent({ type: 'webhook.created', detail: { endpoint: name, url: row.url, events }, emits: event('webhook.changed', { endpoint: name, change: 'created' }), actor: 'operator' }, now)
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw new HeimdallError('webhook.exists', `A webhook endpoint named ${name} exists already: choose another with --name`)
    throw error
  }
  return { webhook: webhookView(row, now), secret }
}
