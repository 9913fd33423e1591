import { Args, Flags } from '@oclif/core'
import { replayWebhooks } from '../../usecases/events/replay-webhooks.js'
import { BaseCommand } from '../base-command.js'
import { parseInteger } from '../integer-input.js'
import { usageError } from '../usage-error.js'
import { sinceFlag } from '../webhook-args.js'

export default class WebhookReplay extends BaseCommand<typeof WebhookReplay> {
  static override summary = 'Send a delivery again, or every event since a time; receivers dedupe on webhook-id.'
  static override examples = [
    '<%= config.bin %> webhook:replay 42',
    '<%= config.bin %> webhook:replay --since 2h --endpoint billing',
    '<%= config.bin %> webhook:replay --since 2026-12-06T08:00:00Z',
  ]
  static override args = { deliveryId: Args.string({ description: 'A delivery\'s id (webhook:deliveries shows them)' }) }
  static override flags = {
    since: Flags.string({ description: 'Every event since this time (ISO 8601) or this long ago (30m, 24h, 7d)' }),
    endpoint: Flags.string({ description: 'With --since: only to this endpoint (default: every enabled one)' }),
  }

  public async run() {
    if ((this.args.deliveryId === undefined) === (this.flags.since === undefined)) throw usageError('Give a delivery id or --since, not both')
    const input =
      this.args.deliveryId !== undefined
        ? { deliveryId: parseInteger(this.args.deliveryId, 'DELIVERY_ID', { min: 1, max: 2_147_483_647 }) }
        : { since: sinceFlag(this.flags.since!, Date.now()), name: this.flags.endpoint }
    const { queued } = await replayWebhooks(this.context, input)
    this.log(`Queued ${queued} deliver${queued === 1 ? 'y' : 'ies'} again`)
    return { queued }
  }
}
