import { testWebhook } from '../../usecases/events/test-webhook.js'
import { HeimdallError } from '../../errors.js'
import { BaseCommand } from '../base-command.js'
import { webhookNameArg } from '../webhook-args.js'

export default class WebhookTest extends BaseCommand<typeof WebhookTest> {
  static override summary = 'Send a signed webhook.test message to an endpoint now and show its answer.'
  static override examples = ['<%= config.bin %> webhook:test billing']
  static override args = { name: webhookNameArg }

  public async run() {
    const result = await testWebhook(this.context, { name: this.args.name })
    const json = { name: this.args.name, id: result.id, ok: result.ok, status_code: result.statusCode, latency_ms: result.latencyMs, error: result.error }
    if (!result.ok) throw new HeimdallError('webhook.test_failed', `${this.args.name} answered ${result.statusCode ?? 'nothing'} in ${result.latencyMs} ms${result.error ? `: ${result.error}` : ''}`)
    this.log(`${this.args.name} answered ${result.statusCode} in ${result.latencyMs} ms (webhook-id ${result.id})`)
    return json
  }
}
