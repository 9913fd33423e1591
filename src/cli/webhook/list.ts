import { listWebhooks } from '../../usecases/events/list-webhooks.js'
import { BaseCommand } from '../base-command.js'
import { webhookJson } from '../webhook-args.js'

export default class WebhookList extends BaseCommand<typeof WebhookList> {
  static override summary = 'List the webhook endpoints (never their secrets).'
  static override examples = ['<%= config.bin %> webhook:list', '<%= config.bin %> webhook:list --json']

  public async run() {
    const webhooks = await listWebhooks(this.context)
    for (const webhook of webhooks) this.log(`${webhook.name}  ${webhook.enabled ? 'enabled ' : 'DISABLED'}  ${webhook.url}  ${webhook.events.join(',')}`)
    if (webhooks.length === 0) this.log('(no webhook endpoints)')
    return { webhooks: webhooks.map(webhookJson) }
  }
}
