import { listDeliveries } from '../../usecases/events/list-deliveries.js'
import { BaseCommand } from '../base-command.js'
import { integerFlag } from '../integer-input.js'
import { isoTime } from '../format.js'
import { deliveryJson, webhookNameArg } from '../webhook-args.js'

export default class WebhookDeliveries extends BaseCommand<typeof WebhookDeliveries> {
  static override summary = 'Show an endpoint\'s deliveries, newest first, with every attempt: status, latency, error.'
  static override examples = ['<%= config.bin %> webhook:deliveries billing', '<%= config.bin %> webhook:deliveries billing --limit 5 --json']
  static override args = { name: webhookNameArg }
  static override flags = { limit: integerFlag({ description: 'At most this many deliveries', default: 50, min: 1, max: 10000 }) }

  public async run() {
    const deliveries = await listDeliveries(this.context, { name: this.args.name, limit: this.flags.limit })
    for (const delivery of deliveries) {
      this.log(`#${delivery.id}  ${delivery.eventType.padEnd(18)} ${delivery.eventId}  ${delivery.status}${delivery.nextAttemptAt === null ? '' : ` (next ${isoTime(delivery.nextAttemptAt)})`}`)
      for (const attempt of delivery.attempts) {
        this.log(`    attempt ${attempt.attempt}  ${isoTime(attempt.startedAt)}  ${attempt.statusCode ?? '---'}  ${attempt.latencyMs} ms${attempt.error ? `  ${attempt.error}` : ''}`)
      }
    }
    if (deliveries.length === 0) this.log('(no deliveries)')
    return { deliveries: deliveries.map(deliveryJson) }
  }
}
