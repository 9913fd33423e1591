import { setWebhookEnabled } from '../../usecases/events/set-webhook-enabled.js'
import { BaseCommand } from '../base-command.js'
import { webhookNameArg } from '../webhook-args.js'

export default class WebhookDisable extends BaseCommand<typeof WebhookDisable> {
  static override summary = 'Stop sending to an endpoint: new events are not queued for it, its queue waits.'
  static override examples = ['<%= config.bin %> webhook:disable billing']
  static override args = { name: webhookNameArg }

  public async run() {
    const { changed } = await setWebhookEnabled(this.context, { name: this.args.name, enabled: false })
    this.log(changed ? `Webhook endpoint ${this.args.name} disabled` : `Webhook endpoint ${this.args.name} was already disabled`)
    return { name: this.args.name, enabled: false, changed }
  }
}
