import type { Context } from '../../context.js'
import type { MailRow, MailStatus } from '../../infra/db/tables.js'

/** One outbox row as an operator reads it (mail:list, mail:show). Times in epoch ms; never the SMTP password. */
export interface MailSummary {
  id: number
  kind: string
  to: string
  /** A mail being sent at this moment ("sending") reads as pending. */
  status: MailStatus
  attempts: number
  /** When a pending mail is tried next; null otherwise. */
  nextAttemptAt: number | null
  lastError: string | null
  createdAt: number
  sentAt: number | null
  messageId: string | null
  smtpResponse: string | null
}

/** Outbox rows, newest first; `status: 'pending'` includes those being sent. */
export async function listMails(ctx: Context, input: { status?: MailStatus; limit: number }): Promise<MailSummary[]> {
  const rows = await ctx.mailOutbox.findMails(input)
  return rows.map(summaryOf)
}

export function summaryOf(row: MailRow): MailSummary {
  const status = row.status === 'sending' ? 'pending' : row.status
  return {
    id: row.id,
    kind: row.kind,
    to: row.recipient,
    status,
    attempts: row.attempts,
    nextAttemptAt: status === 'pending' ? Number(row.next_attempt_at) : null,
    lastError: row.last_error,
    createdAt: Number(row.created_at),
    sentAt: row.sent_at === null ? null : Number(row.sent_at),
    messageId: row.message_id,
    smtpResponse: row.smtp_response,
  }
}
