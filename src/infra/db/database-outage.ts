import type { Knex } from 'knex'
import type { Logger } from '../logger.js'
import { createOutageLog, type OutageLog } from '../outage-log.js'

/**
 * How a server reports that its database is gone: one line when the outage starts, a reminder a
 * minute, one line with its length when it ends (see infra/outage-log.ts), whoever notices it (the
 * connection pool, a failed request, a background job).
 */
export function createDatabaseOutageLog(logger: Logger): OutageLog {
  return createOutageLog({
    logger,
    dependency: 'database',
    startMessage: 'database unavailable: commands answer 503, cached validations go on',
    reminderMessage: 'database still unavailable',
    endMessage: 'database available again',
  })
}

interface PoolEvents {
  on(event: 'createFail', listener: (eventId: number, err: unknown) => void): void
  on(event: 'createSuccess', listener: () => void): void
}

/**
 * Reports an outage from the connection pool's point of view: a connection that cannot be made is
 * a failure, a connection made is the database answering again. Every query needs a connection, and
 * after an outage every connection is a new one, so both edges are seen whoever is querying.
 */
export function watchConnections(db: Knex, outage: OutageLog): void {
  const pool = (db.client as { pool?: PoolEvents | null }).pool
  pool?.on('createFail', (_eventId, err) => outage.down(err))
  pool?.on('createSuccess', () => outage.up())
}
