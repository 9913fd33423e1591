import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import type { WebhookEndpointRow } from '../../infra/db/tables.js'

/** The endpoint of that name; throws webhook.not_found. */
export async function findWebhookOrFail(ctx: Context, name: string): Promise<WebhookEndpointRow> {
  const row = await ctx.webhooks.findWebhookEndpointByName(name)
  if (!row) throw new HeimdallError('webhook.not_found', `No webhook endpoint named ${name} (heimdall webhook:list)`)
  return row
}
