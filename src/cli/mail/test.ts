import { sendTestMail } from '../../usecases/mail/send-test-mail.js'
import { emailArgument } from '../args.js'
import { BaseCommand } from '../base-command.js'

export default class MailTest extends BaseCommand<typeof MailTest> {
  static override summary = 'Send a test mail through HEIMDALL_SMTP_URL and print what the SMTP server answered.'
  static override description = 'Goes straight to SMTP, not through the outbox: use it to check the SMTP settings.'
  static override examples = ['<%= config.bin %> mail:test ops@example.com', 'HEIMDALL_SMTP_URL=smtp://user:pass@smtp.example.com:587 <%= config.bin %> mail:test ops@example.com']
  static override args = { to: emailArgument('The address to send to') }

  public async run() {
    const receipt = await sendTestMail(this.context, { to: this.args.to })
    this.log(`Sent to ${this.args.to}; the SMTP server answered: ${receipt.response}`)
    this.log(`Message-ID: ${receipt.messageId}`)
    return { to: this.args.to, message_id: receipt.messageId, response: receipt.response, accepted: receipt.accepted, rejected: receipt.rejected }
  }
}
