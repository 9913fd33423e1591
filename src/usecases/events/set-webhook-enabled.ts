import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { findWebhookOrFail } from './find-webhook.js'

/**
 * webhook:disable and webhook:enable. A disabled endpoint gets no new deliveries and its queue waits;
 * enabled again, the queue resumes where it stopped (webhook:replay sends what it missed meanwhile).
 * Disabling is recorded as webhook.disabled, enabling as an audit entry. Answers whether anything changed.
 */
export async function setWebhookEnabled(ctx: Context, input: { name: string; enabled: boolean }): Promise<{ changed: boolean }> {
  const row = await findWebhookOrFail(ctx, input.name)
  const now = ctx.clock.now()
  const changed = await ctx.transaction(async (tx) => {
    const reason = input.enabled ? null : 'disabled by an operator'
    if (!(await tx.webhooks.updateWebhookEndpointEnabled(row.id, input.enabled, reason, now))) return false
    if (input.enabled) await tx.audit.insertAuditEvent({ type: 'webhook.enabled', detail: { endpoint: row.name }, actor: 'operator' }, now)
    else await tx.audit.insertAuditEvent({ type: 'webhook.disabled', detail: { endpoint: row.name }, emits: event('webhook.disabled', { endpoint: row.name, reason: reason! }), actor: 'operator' }, now)
    return true
  })
  return { changed }
}
