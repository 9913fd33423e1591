import type { Knex } from 'knex'

/**
 * What lost a lock conflict: InnoDB chose the statement as a deadlock's victim (ER_LOCK_DEADLOCK,
 * 1213; the whole transaction is rolled back) or it waited innodb_lock_wait_timeout for a lock
 * (ER_LOCK_WAIT_TIMEOUT, 1205); PostgreSQL found a deadlock (40P01), could not serialise the
 * transaction (40001) or was told not to wait for a lock (55P03, lock_not_available: NOWAIT or
 * lock_timeout); SQLite in WAL mode could not turn a transaction that had read into a writing one,
 * because another connection (a `serve` beside a CLI command) committed after that read
 * (SQLITE_BUSY_SNAPSHOT: no busy timeout waits it out, as the snapshot can never become current).
 */
const LOCK_CONFLICT_CODES = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', '40P01', '40001', '55P03', 'SQLITE_BUSY_SNAPSHOT'])

/**
 * True when the database gave up on a statement because of another transaction's locks or writes
 * (LOCK_CONFLICT_CODES). Nothing was wrong with the work itself: run again, it succeeds.
 */
export function isLockConflict(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code
  return code !== undefined && LOCK_CONFLICT_CODES.has(code)
}

/** How many times work is run in all before a lock conflict is reported (as db.busy, see database-errors.ts). */
export const LOCK_CONFLICT_ATTEMPTS = 5

/**
 * Runs `work` (database reads and writes only: it may run more than once) and runs it again, after a
 * short random pause in milliseconds, when it lost a lock conflict; rethrows the last conflict after
 * LOCK_CONFLICT_ATTEMPTS runs. Inside a transaction it runs `work` once: a deadlock rolled back the
 * whole enclosing transaction, so only the caller that owns it can run it again.
 */
export async function retryOnLockConflict<T>(db: Knex, work: () => Promise<T>): Promise<T> {
  if ((db as Knex.Transaction).isTransaction) return work()
  for (let attempt = 1; ; attempt++) {
    try {
      return await work()
    } catch (error) {
      if (!isLockConflict(error) || attempt >= LOCK_CONFLICT_ATTEMPTS) throw error
      // Random, growing pauses: the transactions that collided must not collide again in lockstep.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt))
    }
  }
}

/**
 * db.transaction(work), run again from the start when it lost a lock conflict (retryOnLockConflict):
 * every repository write that spans statements goes through here, so parallel requests on MariaDB
 * never answer a deadlock. Inside an enclosing transaction it is a plain savepoint, run once.
 */
export function transactionRetryingLockConflicts<T>(db: Knex, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return retryOnLockConflict(db, () => db.transaction(work))
}
