import { existsSync } from 'node:fs'
import type { Knex } from 'knex'
import type { DatabaseType } from '../../config.js'
import { setStallTolerantTimeout } from '../stall-tolerant-timeout.js'
import { rawRows } from './dialect.js'
import { sqlitePath } from './knex.js'

/** Answers how long a trivial query took, or throws (a driver error, or "timeout" after timeoutMs). */
export async function pingDatabase(db: Knex, timeoutMs: number): Promise<number> {
  const started = performance.now()
  await withDeadline(db.raw('select 1'), timeoutMs)
  return performance.now() - started
}

/**
 * A database answer that does not come within `timeoutMs` milliseconds (setStallTolerantTimeout)
 * rejects with "no answer within N ms"; the query itself is not cancelled (the pool's own timeouts
 * end it). For probes and gauges, which must answer even when the database hangs.
 */
export function withDeadline<T>(query: PromiseLike<T>, timeoutMs: number): Promise<T> {
  let cancel = () => {}
  const timeout = new Promise<never>((_, reject) => {
    cancel = setStallTolerantTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
  })
  return Promise.race([query, timeout]).finally(() => cancel())
}

/** A SQLite database is a file: answers its path when that file does not exist yet (querying would create it). */
export function missingSqliteFile(url: string, type: DatabaseType): string | undefined {
  if (type !== 'sqlite') return undefined
  const path = sqlitePath(url)
  return path === ':memory:' || existsSync(path) ? undefined : path
}

/** The database server's clock in epoch seconds; SQLite has none of its own (it reads this host's). */
export async function databaseClockSeconds(db: Knex, type: DatabaseType): Promise<number | undefined> {
  if (type === 'sqlite') return undefined
  const sql = type === 'postgres' ? 'SELECT extract(epoch from now()) AS now' : 'SELECT UNIX_TIMESTAMP() AS now'
  const [row] = rawRows<{ now: number | string }>(db, await db.raw(sql))
  return Number(row.now)
}
