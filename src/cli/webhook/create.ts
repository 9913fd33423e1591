import { Args, Flags } from '@oclif/core'
import { createWebhook } from '../../usecases/events/create-webhook.js'
import { BaseCommand } from '../base-command.js'
import { webhookJson, webhookLines } from '../webhook-args.js'

export default class WebhookCreate extends BaseCommand<typeof WebhookCreate> {
  static override summary = 'Send events to a URL, signed (Standard Webhooks); prints its whsec_ secret this once.'
  static override description = 'Patterns: an event type (session.revoked), a family (user.*) or * for all; docs/events.md lists them. The secret is sealed at rest: keep it now, or make a new one with webhook:rotate-secret.'
  static override examples = [
    '<%= config.bin %> webhook:create https://billing.example.com/hooks/heimdall --event user.* --event session.revoked',
    '<%= config.bin %> webhook:create https://siem.example.com/in --name siem --event "*" --json',
  ]
  static override args = { url: Args.string({ description: 'Where to POST events (http or https)', required: true }) }
  static override flags = {
    event: Flags.string({ description: 'An event type or pattern to send (repeatable): user.created, user.*, *', multiple: true, required: true }),
    name: Flags.string({ description: 'The endpoint\'s name in the other webhook:* commands (default: from the URL\'s host)' }),
  }

  public async run() {
    const { webhook, secret } = await createWebhook(this.context, { url: this.args.url, name: this.flags.name, events: this.flags.event })
    for (const line of webhookLines(webhook)) this.log(line)
    this.log(`${'secret:'.padEnd(23)}${secret}   (shown once: store it now)`)
    return { ...webhookJson(webhook), secret }
  }
}
