import type { ReceivedMail, TestSmtpServer } from './smtp.js'

export const SUBJECTS = {
  reset: 'Reset your password',
  changed: 'Your password was changed',
  verify: 'Confirm your email address',
  change: 'Confirm your new email address',
  changeNotice: 'Your email address is being changed',
} as const

/** The one-time token of a mailed link. */
export function tokenOf(link: string | undefined): string {
  const token = link === undefined ? null : new URL(link).searchParams.get('token')
  if (!token) throw new Error(`no token in link ${link}`)
  return token
}

/** Waits for the `index`-th (0: first) mail with `subject` to `to`; answers it with its link's token. */
export async function linkMail(smtp: TestSmtpServer, to: string, subject: string, index = 0): Promise<{ mail: ReceivedMail; token: string }> {
  const mails = await smtp.mailsTo(to, (mail) => mail.subject === subject, index + 1)
  const mail = mails[index]
  return { mail, token: tokenOf(mail.link) }
}
