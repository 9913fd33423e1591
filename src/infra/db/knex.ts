import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import knex from 'knex'
import type { Knex } from 'knex'
import type { DatabaseType } from '../../config.js'
import type { Logger } from '../logger.js'
import { setStallTolerantTimeout } from '../stall-tolerant-timeout.js'
import { createPostgresKnex } from './postgres-knex.js'
import { sharedSqliteKnex } from './sqlite-file-share.js'

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

export interface KnexOptions {
  /** Where knex's own messages go (stderr when there is none). */
  logger?: Logger
  /**
   * How long a MySQL or PostgreSQL query may wait for its answer now (milliseconds), or undefined for no limit; asked
   * at each query. Past it, the query fails with ETIMEDOUT and its connection is closed.
   */
  queryDeadlineMs?: () => number | undefined
  /** The most connections the pool opens to MySQL or PostgreSQL (HEIMDALL_DATABASE_POOL_SIZE); default DEFAULT_POOL_SIZE. SQLite has one. */
  poolSize?: number
}

/** The pool's size where no setting gives one (a test's or the knex CLI's own connection); HEIMDALL_DATABASE_POOL_SIZE's default too. */
const DEFAULT_POOL_SIZE = 10

/** Builds the knex instance for `sqlite:PATH`, `mysql://user:pass@host:port/db` or `postgres://user:pass@host:port/db`. */
export function createKnex(url: string, type: DatabaseType, options: KnexOptions = {}): Knex {
  const log = knexLog(options.logger)
  if (type === 'sqlite') {
    const filename = sqlitePath(url)
    return sharedSqliteKnex(filename, () => createSqliteKnex(filename, log))
  }
  const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE
  if (type === 'postgres') return createPostgresKnex(url, log, options.queryDeadlineMs, poolSize)
  return createMysqlKnex(url, log, options.queryDeadlineMs, poolSize)
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

/** How long a new MySQL connection may take to connect and end its handshake (milliseconds). */
const CONNECT_TIMEOUT_MS = 5000

function createMysqlKnex(url: string, log: KnexLog, queryDeadlineMs: (() => number | undefined) | undefined, poolSize: number): Knex {
  const parsed = new URL(url)
  const db = knex({
    client: 'mysql2',
    connection: {
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : 3306,
      user: decodeURIComponent(parsed.username),
      password: decodeURIComponent(parsed.password),
      database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
      charset: 'utf8mb4',
      timezone: 'Z',
      // mysql2's own connect timer is a plain one: limitConnectTime replaces it.
      connectTimeout: 0,
    },
    pool: {
      min: 0,
      max: poolSize,
      afterCreate(connection: MysqlConnection, done: (error: Error | null, connection: unknown) => void) {
        if (queryDeadlineMs) limitQueryTime(connection, queryDeadlineMs)
        done(null, connection)
      },
    },
    acquireConnectionTimeout: 10000,
    log,
  })
  limitConnectTime(db, CONNECT_TIMEOUT_MS)
  return db
}

/** The part of the mysql2 module that knex connects through. */
interface MysqlDriver {
  createConnection(options: unknown): MysqlConnection & NodeJS.EventEmitter
}

/**
 * A connection that has not ended its handshake within `ms` milliseconds (a hung server accepts TCP
 * and says nothing) fails with ETIMEDOUT ("connect ETIMEDOUT", as mysql2 says it) and its socket is
 * destroyed. The deadline is stall-tolerant (setStallTolerantTimeout): mysql2's own is a plain timer,
 * which after a stalled event loop fired before the handshake that had come in meanwhile was read.
 * Wraps the driver's createConnection, which knex calls for each new pool connection.
 */
function limitConnectTime(db: Knex, ms: number): void {
  const client = db.client as { driver: MysqlDriver }
  const driver = client.driver
  client.driver = Object.assign(Object.create(driver) as MysqlDriver, {
    createConnection(options: unknown) {
      const connection = driver.createConnection(options)
      const cancel = setStallTolerantTimeout(() => {
        connection.stream.destroy(Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT', syscall: 'connect' }))
      }, ms)
      connection.once('connect', cancel)
      connection.once('error', cancel)
      return connection
    },
  })
}

type QueryCallback = (err: Error | null, rows?: unknown, fields?: unknown) => void

/** The part of a mysql2 connection that knex queries through. */
interface MysqlConnection {
  query(options: unknown, values: unknown, callback?: QueryCallback): unknown
  stream: { destroy(error?: Error): void }
}

/**
 * A database that hangs (a stopped process, a lost network) neither refuses nor closes: the kernel
 * keeps the TCP connection up, and a query waits for its answer forever. Past the deadline the
 * query fails as a timeout (503 "Database unavailable"), and its connection is destroyed: the pool
 * sees it dead and makes a new one for the next query, and a late answer lands nowhere. The deadline
 * is stall-tolerant (setStallTolerantTimeout): an answer that came while the process was stalled
 * is not a timeout.
 */
function limitQueryTime(connection: MysqlConnection, deadlineMs: () => number | undefined): void {
  const query = connection.query.bind(connection)
  connection.query = (options, values, callback) => {
    const ms = deadlineMs()
    // Without a callback (knex's .stream()), the caller reads the query's events itself.
    if (ms === undefined || typeof callback !== 'function') return query(options, values, callback)
    let timedOut = false
    const cancel = setStallTolerantTimeout(() => {
      timedOut = true
      connection.stream.destroy()
      callback(Object.assign(new Error(`the database did not answer within ${ms} ms`), { code: 'ETIMEDOUT' }))
    }, ms)
    return query(options, values, (err, rows, fields) => {
      if (timedOut) return
      cancel()
      callback(err, rows, fields)
    })
  }
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
