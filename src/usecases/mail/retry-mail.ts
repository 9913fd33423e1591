import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'

/** Makes a failed (or waiting) mail due now with a fresh set of attempts; a sent mail is refused. */
export async function retryMail(ctx: Context, input: { id: number }): Promise<void> {
  const row = await ctx.mailOutbox.findMailById(input.id)
  if (!row) throw new HeimdallError('mail.not_found', `No mail with id ${input.id}`)
  if (row.status === 'sent') throw new HeimdallError('mail.already_sent', `Mail ${input.id} was already sent; its link is gone`)
  // Due by the system clock the outbox sender reads (link-mails.ts says why).
  if (!(await ctx.mailOutbox.updateMailRetry(input.id, Date.now()))) {
    throw new HeimdallError('mail.already_sent', `Mail ${input.id} is being sent right now`)
  }
  await ctx.audit.insertAuditEvent({ type: 'mail.retry_requested', userId: row.user_id, detail: { mail_id: row.id, previous_status: row.status } })
  ctx.mail.nudge()
}
