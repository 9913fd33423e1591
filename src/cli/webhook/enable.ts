import { setWebhookEnabled } from '../../usecases/events/set-webhook-enabled.js'
import { BaseCommand } from '../base-command.js'
import { webhookNameArg } from '../webhook-args.js'

export default class WebhookEnable extends BaseCommand<typeof WebhookEnable> {
  static override summary = 'Send to an endpoint again: its queue resumes (webhook:replay --since sends what it missed).'
  static override examples = ['<%= config.bin %> webhook:enable billing']
  static override args = { name: webhookNameArg }

  public async run() {
    const { changed } = await setWebhookEnabled(this.context, { name: this.args.name, enabled: true })
    this.log(changed ? `Webhook endpoint ${this.args.name} enabled` : `Webhook endpoint ${this.args.name} was already enabled`)
    return { name: this.args.name, enabled: true, changed }
  }
}
