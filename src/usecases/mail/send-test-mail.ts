import type { Context } from '../../context.js'
import { emailProblem, normalizeEmail } from '../../domain/email.js'
import { HeimdallError, validationError } from '../../errors.js'
import type { SmtpReceipt } from '../../infra/mail/smtp-transport.js'

/**
 * Sends a test mail straight through SMTP (not the outbox) and answers what the server said, so an
 * operator can check HEIMDALL_SMTP_URL. Throws mail.not_configured without one, mail.send_failed with
 * the server's (or the network's) error otherwise.
 */
export async function sendTestMail(ctx: Context, input: { to: string }): Promise<SmtpReceipt> {
  const to = normalizeEmail(input.to)
  const problem = emailProblem(to)
  if (problem) throw validationError([{ loc: ['to'], msg: `value is not a valid email address: ${problem}`, type: 'value_error.email' }])
  const transport = ctx.mail.transport()
  if (!transport) throw new HeimdallError('mail.not_configured', 'HEIMDALL_SMTP_URL is not set: there is no SMTP server to send through')
  const mail = ctx.mail.templates().render('test', { email: to, public_url: ctx.config.publicUrl })
  try {
    return await transport.send(to, mail)
  } catch (error) {
    throw new HeimdallError('mail.send_failed', `The SMTP server did not take the mail: ${(error as Error).message}`)
  }
}
