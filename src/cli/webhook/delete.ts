import { deleteWebhook } from '../../usecases/events/delete-webhook.js'
import { BaseCommand } from '../base-command.js'
import { webhookNameArg } from '../webhook-args.js'

export default class WebhookDelete extends BaseCommand<typeof WebhookDelete> {
  static override summary = 'Delete a webhook endpoint with its queue and delivery history (the events stay).'
  static override examples = ['<%= config.bin %> webhook:delete billing']
  static override args = { name: webhookNameArg }

  public async run() {
    await deleteWebhook(this.context, { name: this.args.name })
    this.log(`Deleted webhook endpoint ${this.args.name}`)
    return { deleted: this.args.name }
  }
}
