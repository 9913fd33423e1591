import { Flags } from '@oclif/core'
import { DURATION_RANGES } from '../../domain/durations.js'
import { rotateWebhookSecret } from '../../usecases/events/rotate-webhook-secret.js'
import { BaseCommand } from '../base-command.js'
import { durationFlag } from '../duration-flag.js'
import { isoTime } from '../format.js'
import { webhookNameArg } from '../webhook-args.js'

export default class WebhookRotateSecret extends BaseCommand<typeof WebhookRotateSecret> {
  static override summary = 'Give an endpoint a new whsec_ secret (printed this once); the old one keeps signing for a grace period.'
  static override description = 'During the grace period (HEIMDALL_WEBHOOK_SECRET_GRACE, or --grace) every delivery carries two signatures, under the old and the new secret, space-separated: a receiver accepts either, so it can switch at its pace. --grace 0 stops the old secret at once.'
  static override examples = ['<%= config.bin %> webhook:rotate-secret billing', '<%= config.bin %> webhook:rotate-secret billing --grace 1h --json']
  static override args = { name: webhookNameArg }
  static override flags = { grace: Flags.string({ description: 'How long the old secret signs too: 0, 30m, 24h, 7d (default: HEIMDALL_WEBHOOK_SECRET_GRACE)' }) }

  public async run() {
    const graceSeconds = this.flags.grace === undefined ? undefined : this.flags.grace === '0' ? 0 : durationFlag(this.flags.grace, '--grace', DURATION_RANGES.auditSince)
    const { secret, previousValidUntil } = await rotateWebhookSecret(this.context, { name: this.args.name, graceSeconds })
    this.log(`secret: ${secret}   (shown once: store it now)`)
    this.log(previousValidUntil === null ? 'The old secret no longer signs.' : `The old secret signs too until ${isoTime(previousValidUntil)}.`)
    return { name: this.args.name, secret, previous_secret_until: isoTime(previousValidUntil) }
  }
}
