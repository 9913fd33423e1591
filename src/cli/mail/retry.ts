import { retryMail } from '../../usecases/mail/retry-mail.js'
import { BaseCommand } from '../base-command.js'
import { integerArg, MAX_ID } from '../integer-input.js'

export default class MailRetry extends BaseCommand<typeof MailRetry> {
  static override summary = 'Send a failed (or waiting) mail again, with a fresh set of attempts.'
  static override examples = ['<%= config.bin %> mail:retry 7']
  static override args = { id: integerArg({ description: 'The mail id (mail:list --status failed)', required: true, min: 1, max: MAX_ID }) }

  public async run() {
    await retryMail(this.context, { id: this.args.id })
    this.log(
      this.context.mail.configured
        ? `Mail ${this.args.id} is due now: a running server sends it within HEIMDALL_MAIL_POLL_MS`
        : `Mail ${this.args.id} is due now, but HEIMDALL_SMTP_URL is not set: it stays pending`,
    )
    return { id: this.args.id, status: 'pending' }
  }
}
