import { Flags } from '@oclif/core'
import type { MailStatus } from '../../infra/db/tables.js'
import { listMails, type MailSummary } from '../../usecases/mail/list-mails.js'
import { BaseCommand } from '../base-command.js'
import { integerFlag } from '../integer-input.js'
import { isoTime } from '../format.js'

export default class MailList extends BaseCommand<typeof MailList> {
  static override summary = 'List the mail outbox, newest first.'
  static override description =
    'Without HEIMDALL_SMTP_URL every mail stays pending here: `mail:show ID` prints its link. With SMTP, shows what was sent, what waits for a retry and what failed.'
  static override examples = ['<%= config.bin %> mail:list', '<%= config.bin %> mail:list --status pending', '<%= config.bin %> mail:list --status failed --json']
  static override flags = {
    status: Flags.option({ options: ['pending', 'sent', 'failed'] as const, description: 'Only mails in this state (pending includes those being sent)' })(),
    limit: integerFlag({ description: 'At most this many mails', default: 50, min: 1, max: 10000 }),
  }

  public async run() {
    const mails = await listMails(this.context, { status: this.flags.status as MailStatus | undefined, limit: this.flags.limit })
    const shown = mails.map(mailJson)
    for (const mail of shown) {
      const when = mail.sent_at ?? mail.created_at
      const note = mail.status === 'pending' && mail.attempts > 0 ? ` (attempt ${mail.attempts} failed: ${mail.last_error}; next ${mail.next_attempt_at})` : mail.status === 'failed' ? ` (${mail.last_error})` : ''
      this.log(`${String(mail.id).padStart(5)}  ${mail.status.padEnd(8)} ${when}  ${mail.kind.padEnd(20)} ${mail.to}${note}`)
    }
    if (mails.length === 0) this.log('No mails')
    return shown
  }
}

/** A mail as the CLI prints it and its --json carries: snake_case, ISO 8601 times. */
export function mailJson(mail: MailSummary) {
  return {
    id: mail.id,
    kind: mail.kind,
    to: mail.to,
    status: mail.status,
    attempts: mail.attempts,
    next_attempt_at: isoTime(mail.nextAttemptAt),
    last_error: mail.lastError,
    created_at: isoTime(mail.createdAt),
    sent_at: isoTime(mail.sentAt),
    message_id: mail.messageId,
    smtp_response: mail.smtpResponse,
  }
}
