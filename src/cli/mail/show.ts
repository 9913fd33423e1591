import { showMail } from '../../usecases/mail/show-mail.js'
import { BaseCommand } from '../base-command.js'
import { integerArg, MAX_ID } from '../integer-input.js'
import { mailJson } from './list.js'

export default class MailShow extends BaseCommand<typeof MailShow> {
  static override summary = 'Show one mail of the outbox: its state, its link and its text.'
  static override description = 'The link (with its one-time token) is shown until the mail is sent; a sent mail keeps only its metadata.'
  static override examples = ['<%= config.bin %> mail:show 1', '<%= config.bin %> mail:show 1 --json']
  static override args = { id: integerArg({ description: 'The mail id (mail:list)', required: true, min: 1, max: MAX_ID }) }

  public async run() {
    const details = await showMail(this.context, { id: this.args.id })
    const mail = { ...mailJson(details), link: details.link, rendered: details.rendered }
    this.log(`id:        ${mail.id}`)
    this.log(`kind:      ${mail.kind}`)
    this.log(`to:        ${mail.to}`)
    this.log(`status:    ${mail.status}${mail.status === 'pending' && !this.context.mail.configured ? ' (HEIMDALL_SMTP_URL is not set: it stays here)' : ''}`)
    this.log(`attempts:  ${mail.attempts}`)
    if (mail.last_error) this.log(`error:     ${mail.last_error}`)
    this.log(`created:   ${mail.created_at}`)
    if (mail.sent_at) this.log(`sent:      ${mail.sent_at} (${mail.smtp_response ?? ''})`)
    if (mail.link) this.log(`link:      ${mail.link}`)
    if (mail.rendered) {
      this.log(`subject:   ${mail.rendered.subject}`)
      this.log('')
      this.log(mail.rendered.text.trimEnd())
    }
    return mail
  }
}
