import { HeimdallError } from '../../errors.js'
import { isLockConflict, LOCK_CONFLICT_ATTEMPTS } from './lock-conflict.js'

/**
 * Driver errors that mean "the database is not there (any more)": it refuses or drops connections,
 * is shutting down, or cannot be reached. mysql2 also marks every error after which a connection is
 * unusable as `fatal`.
 */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_ACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'SQLITE_CANTOPEN',
])

/** Translates driver errors that mean "the database is not there" (or too busy to answer) into Heimdall's error model. */
export function translateDatabaseError(error: unknown): HeimdallError | undefined {
  const { code, name, message, fatal } = (error ?? {}) as { code?: string; name?: string; message?: string; fatal?: boolean }
  if (code === 'ER_NO_SUCH_TABLE' || (code === 'SQLITE_ERROR' && /no such table/.test(message ?? ''))) {
    return new HeimdallError('db.not_migrated', 'The database schema is missing or out of date: run "heimdall migrate"')
  }
  if (isLockConflict(error)) {
    return new HeimdallError('db.busy', `The database is busy with conflicting writes (${code}, ${LOCK_CONFLICT_ATTEMPTS} attempts): try again`, undefined, 1)
  }
  if ((code !== undefined && UNAVAILABLE_CODES.has(code)) || fatal === true || name === 'KnexTimeoutError') {
    return new HeimdallError('db.unavailable', `Database unavailable (${code ?? name})`)
  }
  return undefined
}

/** Whether an error means the database cannot be reached (an outage), rather than a query going wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const translated = error instanceof HeimdallError ? error : translateDatabaseError(error)
  return translated?.code === 'db.unavailable'
}
