import type { Knex } from 'knex'
import { whereClaimable } from '../db/leased-rows.js'
import { hasSkipLocked, insertReturningId, isSerialId } from '../db/dialect.js'
import { transactionRetryingLockConflicts } from '../db/lock-conflict.js'
import type { MailRow, MailStatus } from '../db/tables.js'

export type NewMail = Pick<MailRow, 'kind' | 'recipient' | 'user_id'> & { data: Record<string, unknown>; now: number }

export interface MailQuery {
  status?: MailStatus
  limit: number
}

export type MailOutboxRepository = ReturnType<typeof createMailOutboxRepository>

/**
 * The outbox table. Claims lock the due rows with FOR UPDATE SKIP LOCKED where the database has it
 * (PostgreSQL, MySQL 8, MariaDB 10.6), elsewhere (SQLite, which has one writer) they are conditional
 * UPDATEs; either way any number of senders (workers, instances) can race for a row and exactly one
 * wins it. A claim is a lease (claimed_until), so a row whose sender died is claimed again once its
 * lease has run out.
 */
export function createMailOutboxRepository(db: Knex) {
  const claimable = whereClaimable

  return {
    /** Answers the new row's id. */
    async insertMail(mail: NewMail): Promise<number> {
      const row = {
        kind: mail.kind,
        recipient: mail.recipient,
        user_id: mail.user_id,
        data: JSON.stringify(mail.data),
        status: 'pending',
        attempts: 0,
        next_attempt_at: mail.now,
        created_at: mail.now,
      }
      return insertReturningId(db, 'mail_outbox', row)
    },

    async findMailById(id: number): Promise<MailRow | undefined> {
      if (!isSerialId(id)) return undefined
      return db<MailRow>('mail_outbox').where({ id }).first()
    },

    /** Newest first. */
    async findMails(query: MailQuery): Promise<MailRow[]> {
      const builder = db<MailRow>('mail_outbox')
      if (query.status === 'pending') builder.whereIn('status', ['pending', 'sending'])
      else if (query.status !== undefined) builder.where({ status: query.status })
      return builder.orderBy('id', 'desc').limit(query.limit)
    },

    /** Mails not yet sent nor failed (pending, or being sent). */
    async countUnsentMails(): Promise<number> {
      const row = await db('mail_outbox').whereIn('status', ['pending', 'sending']).count({ count: '*' }).first()
      return Number(row?.count ?? 0)
    },

    /**
     * Claims up to `limit` due rows for `sender` until `claimedUntil`, counting the attempt; answers
     * the rows this sender won. Oldest due first.
     */
    async claimDueMails(sender: string, now: number, claimedUntil: number, limit: number): Promise<MailRow[]> {
      const claim = { status: 'sending', claimed_by: sender, claimed_until: claimedUntil, attempts: db.raw('attempts + 1') }
      if (hasSkipLocked(db)) {
        // One transaction: the due rows no other sender holds, locked, then claimed. Senders never wait on each other.
        return transactionRetryingLockConflicts(db, async (trx) => {
          const locked: Array<{ id: number }> = await claimable(trx('mail_outbox'), now).orderBy('next_attempt_at').limit(limit).forUpdate().skipLocked().select('id')
          const ids = locked.map(({ id }) => id)
          if (ids.length === 0) return []
          await trx('mail_outbox').whereIn('id', ids).update(claim)
          return trx<MailRow>('mail_outbox').whereIn('id', ids).orderBy('next_attempt_at').orderBy('id')
        })
      }
      const candidates: Array<{ id: number }> = await claimable(db('mail_outbox'), now).orderBy('next_attempt_at').limit(limit).select('id')
      const won: MailRow[] = []
      for (const { id } of candidates) {
        const claimed = await claimable(db('mail_outbox').where({ id }), now).update(claim)
        if (claimed === 0) continue
        const row = await db<MailRow>('mail_outbox').where({ id, claimed_by: sender, status: 'sending' }).first()
        if (row) won.push(row)
      }
      return won
    },

    /** Records delivery, keeping the metadata but not `data`'s link: answers false if the claim was lost meanwhile. */
    async updateMailSent(id: number, sender: string, sent: { now: number; messageId: string; response: string; data: Record<string, unknown> }): Promise<boolean> {
      const updated = await db('mail_outbox').where({ id, claimed_by: sender, status: 'sending' }).update({
        status: 'sent',
        sent_at: sent.now,
        message_id: sent.messageId.slice(0, 255),
        smtp_response: sent.response,
        data: JSON.stringify(sent.data),
        claimed_until: null,
        last_error: null,
      })
      return updated > 0
    },

    /** Back to pending for another attempt at `nextAttemptAt`, or failed when `failed`. */
    async updateMailAttemptFailed(id: number, sender: string, outcome: { error: string; nextAttemptAt: number; failed: boolean }): Promise<boolean> {
      const updated = await db('mail_outbox').where({ id, claimed_by: sender, status: 'sending' }).update({
        status: outcome.failed ? 'failed' : 'pending',
        next_attempt_at: outcome.nextAttemptAt,
        last_error: outcome.error.slice(0, 2000),
        claimed_until: null,
      })
      return updated > 0
    },

    /** Makes a pending or failed mail due now with a fresh set of attempts; answers false for a sent one. */
    async updateMailRetry(id: number, now: number): Promise<boolean> {
      if (!isSerialId(id)) return false
      const updated = await db('mail_outbox').where({ id }).whereIn('status', ['pending', 'failed']).update({ status: 'pending', attempts: 0, next_attempt_at: now })
      return updated > 0
    },
  }
}
