import { HeimdallError } from '../errors.js'
import { translateDatabaseError } from '../infra/db/database-errors.js'
import { driverErrorSummary } from '../infra/db/driver-error.js'

/**
 * What any thrown value means in Heimdall's error model: a HeimdallError as it is, a driver error that
 * means "the database is not there" (or not migrated) as db.unavailable / db.not_migrated, any other
 * driver error as internal, named by its code and the driver's words but never its SQL; anything
 * else undefined: an unexpected fault, which each door reports as internal (HTTP 500, CLI exit 1 with
 * the stack). The one translation both doors use.
 */
export function translateError(error: unknown): HeimdallError | undefined {
  return error instanceof HeimdallError ? error : (translateDatabaseError(error) ?? sqlFreeDatabaseError(error))
}

/** knex puts the statement and its bound values in the message: the operator gets the code and the cause. */
function sqlFreeDatabaseError(error: unknown): HeimdallError | undefined {
  const summary = driverErrorSummary(error)
  return summary === undefined ? undefined : new HeimdallError('internal', `Database error ${summary}`)
}
