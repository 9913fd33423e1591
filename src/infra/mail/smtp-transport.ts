import type { Transporter } from 'nodemailer'
import type { RenderedMail } from './templates.js'

/** What the SMTP server said when it took a message. */
export interface SmtpReceipt {
  messageId: string
  /** The server's final reply line, e.g. "250 2.0.0 OK queued as 4Fx...". */
  response: string
  accepted: string[]
  rejected: string[]
}

export interface MailTransport {
  send(to: string, mail: RenderedMail): Promise<SmtpReceipt>
  close(): void
}

/** Connect, greeting and idle-socket limits: a stalled server must fail an attempt well inside a claim's lease. */
export const SMTP_TIMEOUTS_MS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 }

/**
 * nodemailer over SMTP from HEIMDALL_SMTP_URL: smtp://user:pass@host:587 (STARTTLS when offered),
 * smtps://user:pass@host:465 (TLS from the start). Rejects with nodemailer's error (its message names
 * the SMTP reply) when the server refuses the message or cannot be reached.
 *
 * nodemailer is loaded by the first send (about 0.1 s of CPU): a server, CLI command or test process
 * that never mails does not pay for it.
 */
export function createSmtpTransport(options: { url: string; from: string }): MailTransport {
  let transporter: Transporter | undefined
  let closed = false
  return {
    async send(to, mail) {
      if (!transporter) {
        const { default: nodemailer } = await import('nodemailer')
        if (closed) throw new Error('the SMTP transport was closed')
        transporter ??= nodemailer.createTransport({ url: options.url, ...SMTP_TIMEOUTS_MS })
      }
      const info = await transporter.sendMail({ from: options.from, to, subject: mail.subject, text: mail.text, html: mail.html })
      return {
        messageId: String(info.messageId ?? ''),
        response: String(info.response ?? ''),
        accepted: (info.accepted ?? []).map(String),
        rejected: (info.rejected ?? []).map(String),
      }
    },
    close() {
      closed = true
      transporter?.close()
    },
  }
}
