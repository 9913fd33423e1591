import { randomUUID } from 'node:crypto'
import type { MailRow } from '../db/tables.js'
import { isDatabaseUnavailable } from '../db/database-errors.js'
import type { OutageLog } from '../outage-log.js'
import type { Logger } from '../logger.js'
import type { MailOutboxRepository } from '../repositories/mail-outbox.js'
import type { MailTransport } from './smtp-transport.js'
import { mailVariables, type MailTemplates, type StoredMailData } from './templates.js'

export type MailOutcome = 'sent' | 'retried' | 'failed'

export interface OutboxSenderOptions {
  outbox: MailOutboxRepository
  transport: MailTransport
  templates: MailTemplates
  logger: Logger
  /** HEIMDALL_PUBLIC_URL of this server: every link it sends points here, whoever queued the mail. */
  publicUrl: string
  /** Attempts before a mail is marked failed (HEIMDALL_MAIL_MAX_ATTEMPTS). */
  maxAttempts: number
  /** Delay before the first retry, in ms; each further retry waits twice as long, at most an hour. */
  retryDelayMs: number
  /** How often the outbox is looked at, in ms, besides nudges. */
  pollMs: number
  /** False until migrations are applied: the table may not exist yet. */
  isReady: () => boolean
  /** Where a database outage is told, once for the whole outage (not once a pass). */
  databaseOutage?: OutageLog
  countOutcome: (outcome: MailOutcome) => void
}

export interface OutboxSender {
  /** Looks at the outbox now (a mail was just queued) rather than at the next poll. */
  nudge(): void
  /** One pass: claims due mails and sends them; answers how many were claimed. */
  sendDue(): Promise<number>
  /** Stops polling and waits for the pass in progress. */
  stop(): Promise<void>
}

/** A claim outlives the SMTP timeouts of one attempt several times over, so a live sender never loses its row. */
const LEASE_MS = 5 * 60_000
const BATCH = 20
const MAX_RETRY_DELAY_MS = 3600_000

/**
 * Sends the outbox: each pass claims due rows (see the repository: exactly one sender wins a row, in
 * any number of processes), renders each from its templates and data, and hands it to SMTP. A sent
 * row keeps its metadata and loses its link; a failed attempt goes back to pending with a doubled
 * delay, and the last one marks the row failed. A process that dies mid-send leaves a claim whose
 * lease runs out, and the row is sent again then: at least once, never twice by live senders.
 */
export function startOutboxSender(options: OutboxSenderOptions): OutboxSender {
  const sender = `${process.pid}-${randomUUID().slice(0, 8)}`
  let timer: NodeJS.Timeout | undefined
  let running: Promise<number> | undefined
  let again = false
  let stopped = false

  async function deliver(row: MailRow): Promise<void> {
    const data = JSON.parse(row.data ?? '{}') as StoredMailData
    try {
      const receipt = await options.transport.send(row.recipient, options.templates.render(row.kind, mailVariables(data, options.publicUrl)))
      const { link: _link, link_path: _linkPath, ...kept } = data
      const recorded = await options.outbox.updateMailSent(row.id, sender, { now: Date.now(), messageId: receipt.messageId, response: receipt.response, data: kept })
      if (!recorded) options.logger.warn({ mail_id: row.id }, 'a mail was sent after its claim had lapsed; another sender may send it too')
      options.countOutcome('sent')
      options.logger.info({ mail_id: row.id, kind: row.kind, attempt: row.attempts, smtp_response: receipt.response }, 'mail sent')
    } catch (error) {
      const message = (error as Error).message ?? String(error)
      const failed = row.attempts >= options.maxAttempts
      const delay = Math.min(options.retryDelayMs * 2 ** (row.attempts - 1), MAX_RETRY_DELAY_MS)
      await options.outbox.updateMailAttemptFailed(row.id, sender, { error: message, nextAttemptAt: Date.now() + delay, failed })
      options.countOutcome(failed ? 'failed' : 'retried')
      const fields = { mail_id: row.id, kind: row.kind, attempt: row.attempts, max_attempts: options.maxAttempts, error: message }
      if (failed) options.logger.error(fields, 'mail failed: no attempts left (heimdall mail:retry ID sends it again)')
      else options.logger.warn({ ...fields, retry_in_ms: delay }, 'mail not sent; will retry')
    }
  }

  async function pass(): Promise<number> {
    if (!options.isReady()) return 0
    const now = Date.now()
    const claimed = await options.outbox.claimDueMails(sender, now, now + LEASE_MS, BATCH)
    for (const row of claimed) await deliver(row)
    if (claimed.length === BATCH) again = true
    return claimed.length
  }

  function run(): Promise<number> {
    if (running) {
      again = true
      return running
    }
    running = pass()
      .catch((err: unknown) => {
        if (isDatabaseUnavailable(err) && options.databaseOutage) options.databaseOutage.down(err)
        else if (options.isReady()) options.logger.error({ err }, 'mail outbox pass failed')
        return 0
      })
      .finally(() => {
        running = undefined
        // A full batch may mean more are due; a nudge during the pass may have queued one.
        if (again && !stopped) {
          again = false
          void run()
        }
      })
    return running
  }

  function schedule(): void {
    if (stopped) return
    timer = setTimeout(() => void run().finally(schedule), options.pollMs)
    timer.unref()
  }
  schedule()

  return {
    nudge() {
      if (!stopped) void run()
    },
    sendDue: run,
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}
