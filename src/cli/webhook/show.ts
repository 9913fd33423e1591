import { getWebhook } from '../../usecases/events/list-webhooks.js'
import { BaseCommand } from '../base-command.js'
import { isoTime } from '../format.js'
import { webhookJson, webhookLines, webhookNameArg } from '../webhook-args.js'

export default class WebhookShow extends BaseCommand<typeof WebhookShow> {
  static override summary = 'Show one webhook endpoint and its queue (never its secret).'
  static override examples = ['<%= config.bin %> webhook:show billing', '<%= config.bin %> webhook:show billing --json']
  static override args = { name: webhookNameArg }

  public async run() {
    const webhook = await getWebhook(this.context, { name: this.args.name })
    for (const line of webhookLines(webhook)) this.log(line)
    this.log(`${'queued:'.padEnd(23)}${webhook.queued}${webhook.oldestQueuedAt === null ? '' : ` (oldest since ${isoTime(webhook.oldestQueuedAt)})`}`)
    return { ...webhookJson(webhook), queued: webhook.queued, oldest_queued_at: isoTime(webhook.oldestQueuedAt) }
  }
}
