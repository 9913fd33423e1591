import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { mailVariables, type RenderedMail, type StoredMailData } from '../../infra/mail/templates.js'
import { summaryOf, type MailSummary } from './list-mails.js'

export interface MailDetails extends MailSummary {
  /** The link the mail carries (with its one-time token) while it is not sent; null once sent. */
  link: string | null
  /** The mail as it will be (or was) rendered; null once sent, since its link is gone. */
  rendered: RenderedMail | null
}

/**
 * One outbox row with its link and rendered body: on the embedded default (no SMTP) this is how a
 * developer follows a reset or a verification on one machine. The link is made with this process's
 * HEIMDALL_PUBLIC_URL, as a sender would make it (mailVariables).
 */
export async function showMail(ctx: Context, input: { id: number }): Promise<MailDetails> {
  const row = await ctx.mailOutbox.findMailById(input.id)
  if (!row) throw new HeimdallError('mail.not_found', `No mail with id ${input.id}`)
  const data = mailVariables(JSON.parse(row.data ?? '{}') as StoredMailData, ctx.config.publicUrl)
  const unsent = row.status !== 'sent'
  return { ...summaryOf(row), link: unsent ? (data.link ?? null) : null, rendered: unsent ? ctx.mail.templates().render(row.kind, data) : null }
}
