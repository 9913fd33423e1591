import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { webhookSecretAssociatedData } from '../../infra/events/endpoint-secrets.js'
import { newWebhookSecret } from '../../infra/events/webhook-signature.js'
import { findWebhookOrFail } from './find-webhook.js'

/**
 * A new `whsec_` secret for an endpoint (webhook:rotate-secret), answered this once. For
 * HEIMDALL_WEBHOOK_SECRET_GRACE (or `graceSeconds`) deliveries carry two signatures, under the old
 * secret and the new (space-separated, Standard Webhooks), so the receiver can switch at its pace.
 * Recorded as webhook.changed (secret_rotated). Throws webhook.not_found.
 */
export async function rotateWebhookSecret(ctx: Context, input: { name: string; graceSeconds?: number }): Promise<{ secret: string; previousValidUntil: number | null }> {
  const row = await findWebhookOrFail(ctx, input.name)
  const now = ctx.clock.now()
  const graceSeconds = input.graceSeconds ?? ctx.config.webhookSecretGraceSeconds
  const secret = newWebhookSecret()
  const sealed = await ctx.secretBox.seal(secret, webhookSecretAssociatedData(row.id))
  // Deliveries are signed on the system clock (the worker's), so the grace period is counted on it.
  const previousUntil = graceSeconds > 0 ? Date.now() + graceSeconds * 1000 : null
  await ctx.transaction(async (tx) => {
    await tx.webhooks.updateWebhookEndpointSecret(row.id, { sealed, previousSealed: previousUntil === null ? null : row.secret_sealed, previousUntil }, now)
    await tx.audit.insertAuditEvent({ type: 'webhook.secret_rotated', detail: { endpoint: row.name, grace_seconds: graceSeconds }, emits: event('webhook.changed', { endpoint: row.name, change: 'secret_rotated' }), actor: 'operator' }, now)
  })
  return { secret, previousValidUntil: previousUntil }
}
