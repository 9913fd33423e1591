import { scrubSecrets, type Logger } from './logger.js'

/** While an outage lasts, a reminder at most this often (milliseconds). */
export const OUTAGE_REMINDER_MS = 60_000

export interface OutageLog {
  /** A failure of the dependency: the first one of an outage is logged, later ones only as a reminder. */
  down(err: unknown, fields?: Record<string, unknown>): void
  /** The dependency answered: ends the outage (logged with its length), if there was one. */
  up(fields?: Record<string, unknown>): void
  readonly isDown: boolean
}

export interface OutageLogOptions {
  logger: Logger
  /** Which dependency, on every line (`dependency` field): "database", "redis", "revocation poll". */
  dependency: string
  /** The line when it starts (warn, with the first error). */
  startMessage: string
  /** The reminder while it lasts (warn, with `outage_ms` and `failures` so far). */
  reminderMessage: string
  /** The line when it ends (info, with `outage_ms`, its length in milliseconds, and `failures`). */
  endMessage: string
  reminderMs?: number
  /** Milliseconds; for tests. */
  now?: () => number
}

/**
 * A dependency that fails keeps failing: every request, every poll and every reconnection attempt
 * says so, often several times a second. Logging each one buries everything else, so an outage is
 * logged as one line when it starts, at most one reminder per `reminderMs` while it lasts, and one
 * line when it ends, with its length.
 */
export function createOutageLog(options: OutageLogOptions): OutageLog {
  const { logger, dependency } = options
  const reminderMs = options.reminderMs ?? OUTAGE_REMINDER_MS
  const now = options.now ?? Date.now
  let since: number | undefined
  let lastLineAt = 0
  let failures = 0

  return {
    down(err, fields) {
      const at = now()
      failures++
      if (since === undefined) {
        since = at
        lastLineAt = at
        failures = 1
        logger.warn({ ...fields, dependency, err }, options.startMessage)
      } else if (at - lastLineAt >= reminderMs) {
        lastLineAt = at
        logger.warn({ ...fields, dependency, outage_ms: at - since, failures, error: scrubSecrets(errorMessage(err)) }, options.reminderMessage)
      }
    },
    up(fields) {
      if (since === undefined) return
      const outageMs = now() - since
      since = undefined
      logger.info({ ...fields, dependency, outage_ms: outageMs, failures }, options.endMessage)
    },
    get isDown() {
      return since !== undefined
    },
  }
}

/** A reminder carries the latest error's message only: the start line already had its stack. */
function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
