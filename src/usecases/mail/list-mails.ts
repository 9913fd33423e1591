import type { Context } from '../../context.js'
import type { MailRow, MailStatus } from '../../infra/db/tables.js'

/** One outbox row as an operator reads it (mail:list, mail:show): times as ISO 8601, never the SMTP password. */
export interface MailSummary {
  id: number
  kind: string
  to: string
  /** pending covers a mail being sent at this moment ("sending"). */
  status: MailStatus
  attempts: number
  next_attempt_at: string | null
  last_error: string | null
  created_at: string
  sent_at: string | null
  message_id: string | null
  smtp_response: string | null
}

/** Outbox rows, newest first; `status: 'pending'` includes those being sent. */
export async function listMails(ctx: Context, input: { status?: MailStatus; limit: number }): Promise<MailSummary[]> {
  const rows = await ctx.mailOutbox.findMails(input)
  return rows.map(summaryOf)
}

export function summaryOf(row: MailRow): MailSummary {
  const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString())
  return {
    id: row.id,
    kind: row.kind,
    to: row.recipient,
    status: row.status,
    attempts: row.attempts,
    next_attempt_at: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    last_error: row.last_error,
    created_at: iso(row.created_at)!,
    sent_at: iso(row.sent_at),
    message_id: row.message_id,
    smtp_response: row.smtp_response,
  }
}
