import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import knex from 'knex'
import type { Knex } from 'knex'
import type { DatabaseType } from '../../config.js'
import type { Logger } from '../logger.js'

type KnexLog = Knex.Config['log']

/**
 * What knex reports about a connection it could not make or found dead ("Acquire connection error",
 * "Connection Error"): during an outage, one per attempt, with a stack. The failing query reports it
 * too (a 503, or the outage log), so these lines are only worth a debug line.
 */
const CONNECTION_NOISE = /^(Acquire connection error|Connection Error):/

/** knex's own messages as log lines: by default it prints raw text to stdout, which would corrupt JSON logs and --json output. */
function knexLog(logger: Logger | undefined): KnexLog {
  if (!logger) {
    // The knex CLI (knexfile) has no logger: stderr keeps stdout clean there.
    return { warn: (message) => console.error(message), error: (message) => console.error(message), deprecate: (method, alternative) => console.error(`${method} is deprecated, use ${alternative}`), debug: (message) => console.error(message) }
  }
  const text = (message: unknown) => (typeof message === 'string' ? message : String((message as Error | undefined)?.message ?? message))
  return {
    warn: (message) => {
      const line = text(message)
      if (CONNECTION_NOISE.test(line)) logger.debug({ component: 'knex' }, line)
      else logger.warn({ component: 'knex' }, line)
    },
    error: (message) => logger.error({ component: 'knex' }, text(message)),
    deprecate: (method, alternative) => logger.warn({ component: 'knex' }, `${method} is deprecated, use ${alternative}`),
    debug: (message) => logger.debug({ component: 'knex' }, text(message)),
  }
}

/**
 * Builds the knex instance for `sqlite:PATH` or `mysql://user:pass@host:port/db`. knex's own messages
 * go through `logger` when one is given (to stderr otherwise).
 */
export function createKnex(url: string, type: DatabaseType, logger?: Logger): Knex {
  const log = knexLog(logger)
  return type === 'sqlite' ? createSqliteKnex(sqlitePath(url), log) : createMysqlKnex(url, log)
}

export function sqlitePath(url: string): string {
  const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '')
  return path === ':memory:' ? path : resolve(path)
}

function createSqliteKnex(filename: string, log: KnexLog): Knex {
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

function createMysqlKnex(url: string, log: KnexLog): Knex {
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
