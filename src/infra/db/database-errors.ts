import { HeimdallError } from '../../errors.js'
import { isLockConflict, LOCK_CONFLICT_ATTEMPTS } from './lock-conflict.js'

/**
 * Driver errors that mean "the database is not there (any more)": it refuses or drops connections,
 * is shutting down, or cannot be reached. mysql2 also marks every error after which a connection is
 * unusable as `fatal`. PostgreSQL's are SQLSTATEs: 57P01-57P03 (shutting down, crashed, starting),
 * 3D000 (no such database), 28000/28P01 (refused login), 53300 (too many connections); class 08
 * (connection exceptions) is matched as a class.
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
  '57P01',
  '57P02',
  '57P03',
  '3D000',
  '28000',
  '28P01',
  '53300',
])

/**
 * node-postgres reports a connection that died or could not be made with a message and no code:
 * "Connection terminated unexpectedly", "Connection terminated due to connection timeout", "Client
 * has encountered a connection error and is not queryable", "Client was closed and is not queryable";
 * knex puts the statement before it ("ROLLBACK - Connection terminated unexpectedly").
 */
const PG_CONNECTION_LOST = /(^|- )Connection terminated|is not queryable$/

/** Tables missing: MySQL's ER_NO_SUCH_TABLE, PostgreSQL's 42P01 (undefined_table), SQLite's message. */
function isMissingTable(code: string | undefined, message: string | undefined): boolean {
  return code === 'ER_NO_SUCH_TABLE' || code === '42P01' || (code === 'SQLITE_ERROR' && /no such table/.test(message ?? ''))
}

function isUnavailable(code: string | undefined, name: string | undefined, message: string | undefined, fatal: boolean | undefined): boolean {
  if (code !== undefined && (UNAVAILABLE_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true
  return fatal === true || name === 'KnexTimeoutError' || (code === undefined && PG_CONNECTION_LOST.test(message ?? ''))
}

/** Translates driver errors that mean "the database is not there" (or too busy to answer) into Heimdall's error model. */
export function translateDatabaseError(error: unknown): HeimdallError | undefined {
  const { code, name, message, fatal } = (error ?? {}) as { code?: string; name?: string; message?: string; fatal?: boolean }
  if (isMissingTable(code, message)) {
    return new HeimdallError('db.not_migrated', 'The database schema is missing or out of date: run "heimdall migrate"')
  }
  if (isLockConflict(error)) {
    return new HeimdallError('db.busy', `The database is busy with conflicting writes (${code}, ${LOCK_CONFLICT_ATTEMPTS} attempts): try again`, undefined, 1)
  }
  if (isUnavailable(code, name, message, fatal)) {
    return new HeimdallError('db.unavailable', `Database unavailable (${code ?? name})`)
  }
  return undefined
}

/** Whether an error means the database cannot be reached (an outage), rather than a query going wrong. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const translated = error instanceof HeimdallError ? error : translateDatabaseError(error)
  return translated?.code === 'db.unavailable'
}
