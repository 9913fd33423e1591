import { HeimdallError } from '../errors.js'
import { translateDatabaseError } from '../infra/db/database-errors.js'

/**
 * What any thrown value means in Heimdall's error model: a HeimdallError as it is, a driver error that
 * means "the database is not there" (or not migrated) as db.unavailable / db.not_migrated, anything
 * else undefined: an unexpected fault, which each door reports as internal (HTTP 500, CLI exit 1 with
 * the stack). The one translation both doors use.
 */
export function translateError(error: unknown): HeimdallError | undefined {
  return error instanceof HeimdallError ? error : translateDatabaseError(error)
}
