import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import knex from 'knex'
import type { Knex } from 'knex'
import type { DatabaseType } from '../../config.js'

/** knex logs to stdout by default, which would corrupt --json output and JSON log lines: send it to stderr. */
const log = {
  warn: (message: unknown) => console.error(message),
  error: (message: unknown) => console.error(message),
  deprecate: (method: unknown, alternative: unknown) => console.error(`${method} is deprecated, use ${alternative}`),
  debug: (message: unknown) => console.error(message),
}

/** Builds the knex instance for `sqlite:PATH` or `mysql://user:pass@host:port/db`. */
export function createKnex(url: string, type: DatabaseType): Knex {
  return type === 'sqlite' ? createSqliteKnex(sqlitePath(url)) : createMysqlKnex(url)
}

export function sqlitePath(url: string): string {
  const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '')
  return path === ':memory:' ? path : resolve(path)
}

function createSqliteKnex(filename: string): Knex {
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true })
  return knex({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    log,
    pool: {
      afterCreate(connection: { pragma(sql: string): unknown }, done: (error: Error | null, connection: unknown) => void) {
        // WAL lets the CLI read and write while a server holds the file; busy_timeout waits out its locks.
        connection.pragma('journal_mode = WAL')
        connection.pragma('busy_timeout = 5000')
        connection.pragma('foreign_keys = ON')
        done(null, connection)
      },
    },
  })
}

function createMysqlKnex(url: string): Knex {
  const parsed = new URL(url)
  return knex({
    client: 'mysql2',
    connection: {
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : 3306,
      user: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
      database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
      charset: 'utf8mb4',
      timezone: 'Z',
      connectTimeout: 5000,
    },
    pool: { min: 0, max: 10 },
    acquireConnectionTimeout: 10000,
    log,
  })
}

interface TarnPool {
  numUsed(): number
  numFree(): number
  numPendingAcquires(): number
  numPendingCreates(): number
  max: number
}

/** The connection pool's state, for the heimdall_db_pool_* gauges. */
export interface PoolStats {
  used: number
  free: number
  pendingAcquires: number
  pendingCreates: number
  max: number
}

/** The knex (tarn) pool's occupancy, for /metrics; undefined once destroyed or before it exists. */
export function poolStats(db: Knex): PoolStats | undefined {
  const pool = (db.client as { pool?: TarnPool | null }).pool
  if (!pool) return undefined
  return { used: pool.numUsed(), free: pool.numFree(), pendingAcquires: pool.numPendingAcquires(), pendingCreates: pool.numPendingCreates(), max: pool.max }
}
