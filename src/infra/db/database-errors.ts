import { HeimdallError } from '../../errors.js'

/** Translates driver errors that mean "the database is not there" into Heimdall's error model. */
export function translateDatabaseError(error: unknown): HeimdallError | undefined {
  const { code, name, message } = (error ?? {}) as { code?: string; name?: string; message?: string }
  if (code === 'ER_NO_SUCH_TABLE' || (code === 'SQLITE_ERROR' && /no such table/.test(message ?? ''))) {
    return new HeimdallError('db.not_migrated', 'The database schema is missing or out of date: run "heimdall migrate"')
  }
  if (
    code === 'ECONNREFUSED' ||
    code === 'ETIMEDOUT' ||
    code === 'ENOTFOUND' ||
    code === 'PROTOCOL_CONNECTION_LOST' ||
    code === 'ER_ACCESS_DENIED_ERROR' ||
    code === 'ER_BAD_DB_ERROR' ||
    code === 'SQLITE_CANTOPEN' ||
    name === 'KnexTimeoutError'
  ) {
    return new HeimdallError('db.unavailable', `Database unavailable (${code ?? name})`)
  }
  return undefined
}
