import type { Context } from '../../context.js'
import { findWebhookOrFail } from './find-webhook.js'
import { webhookView, type WebhookView } from './webhook-view.js'

/** Every webhook endpoint, by name (never a secret). */
export async function listWebhooks(ctx: Context): Promise<WebhookView[]> {
  const now = ctx.clock.now()
  return (await ctx.webhooks.findWebhookEndpoints()).map((row) => webhookView(row, now))
}

/** One endpoint with its queue: how many deliveries wait, and since when (epoch ms). Throws webhook.not_found. */
export async function getWebhook(ctx: Context, input: { name: string }): Promise<WebhookView & { queued: number; oldestQueuedAt: number | null }> {
  const row = await findWebhookOrFail(ctx, input.name)
  const stats = (await ctx.webhooks.findQueueStats()).find((entry) => entry.endpoint === row.name)
  return { ...webhookView(row, ctx.clock.now()), queued: stats?.queued ?? 0, oldestQueuedAt: stats?.oldestCreatedAt ?? null }
}
