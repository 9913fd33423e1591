import type { Config } from '../../config.js'
import type { OutageLog } from '../outage-log.js'
import type { Logger } from '../logger.js'
import type { MailOutboxRepository } from '../repositories/mail-outbox.js'
import { startOutboxSender, type MailOutcome, type OutboxSender } from './outbox-sender.js'
import { createSmtpTransport, type MailTransport } from './smtp-transport.js'
import { loadLocales } from '../i18n/catalogues.js'
import { loadMailTemplates, mailBrandOf, type MailTemplates } from './templates.js'

/** Mail as the rest of Heimdall sees it: templates, the SMTP transport, and the outbox sender. */
export interface Mail {
  /** Whether HEIMDALL_SMTP_URL is set: without it mails stay pending in the outbox. */
  readonly configured: boolean
  /** Loaded on first use (the replacement files are read then); a template that does not compile throws config.invalid. */
  templates(): MailTemplates
  /** The SMTP transport, or undefined without HEIMDALL_SMTP_URL. */
  transport(): MailTransport | undefined
  /** Tells this process's sender that a mail was just queued (a no-op where no sender runs). */
  nudge(): void
  /** Whether this process sends from the outbox. */
  readonly sending: boolean
  close(): Promise<void>
}

export interface MailOptions {
  config: Config
  outbox: MailOutboxRepository
  logger: Logger
  /** Long-running servers send from the outbox; one-shot commands only queue. */
  sendFromOutbox: boolean
  isReady: () => boolean
  /** Where a database outage is told, once for the whole outage (not once a pass). */
  databaseOutage?: OutageLog
  countOutcome: (outcome: MailOutcome) => void
}

export function createMail(options: MailOptions): Mail {
  const { config } = options
  let templates: MailTemplates | undefined
  let transport: MailTransport | undefined
  const loadTemplates = () => (templates ??= loadMailTemplates(config.mailTemplatesDir, mailBrandOf(config), loadLocales(config.localesDir)))
  const loadTransport = () => (config.smtpUrl === undefined ? undefined : (transport ??= createSmtpTransport({ url: config.smtpUrl, from: config.mailFrom })))

  let sender: OutboxSender | undefined
  if (options.sendFromOutbox && config.smtpUrl !== undefined) {
    sender = startOutboxSender({
      outbox: options.outbox,
      transport: loadTransport()!,
      templates: loadTemplates(),
      logger: options.logger,
      publicUrl: config.publicUrl,
      maxAttempts: config.mailMaxAttempts,
      retryDelayMs: config.mailRetryDelayMs,
      pollMs: config.mailPollMs,
      isReady: options.isReady,
      databaseOutage: options.databaseOutage,
      countOutcome: options.countOutcome,
    })
  }

  return {
    configured: config.smtpUrl !== undefined,
    sending: sender !== undefined,
    templates: loadTemplates,
    transport: loadTransport,
    nudge() {
      sender?.nudge()
    },
    async close() {
      await sender?.stop()
      transport?.close()
    },
  }
}
