import { sendPasswordReset } from '../../usecases/recovery/request-password-reset.js'
import { emailArg } from '../args.js'
import { BaseCommand } from '../base-command.js'

export default class UserSendReset extends BaseCommand<typeof UserSendReset> {
  static override summary = 'Mail a user a password-reset link (the same mail as POST /auth/password/forgot).'
  static override description = 'The mail goes through the outbox. Without HEIMDALL_SMTP_URL it stays pending: `mail:show ID` prints the link.'
  static override examples = ['<%= config.bin %> user:send-reset ada@example.com']
  static override args = { email: emailArg }

  public async run() {
    const { mailId, email } = await sendPasswordReset(this.context, { email: this.args.email })
    this.log(`Reset link for ${email} queued as mail ${mailId}`)
    if (!this.context.mail.configured) this.log(`HEIMDALL_SMTP_URL is not set: the mail stays in the outbox; \`heimdall mail:show ${mailId}\` prints the link`)
    return { email, mail_id: mailId }
  }
}
