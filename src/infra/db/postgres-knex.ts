import { createRequire } from 'node:module'
import knex from 'knex'
import type { Knex } from 'knex'
import { setStallTolerantTimeout } from '../stall-tolerant-timeout.js'

/** How long a new PostgreSQL connection may take to connect and authenticate (milliseconds). */
const CONNECT_TIMEOUT_MS = 5000

/** PostgreSQL type oids whose text form node-postgres leaves as a string by default. */
const INT8_OID = 20
const NUMERIC_OID = 1700

type TypeParser = (value: string) => unknown

/** The part of pg-types a pg Client asks for its parsers. */
interface PgTypes {
  getTypeParser(oid: number, format?: string): TypeParser
}

/**
 * BIGINT (epoch milliseconds, counts) as a JavaScript number, as the repositories expect (tables.ts):
 * node-postgres answers int8 and numeric as strings, because they may exceed 2^53. Every BIGINT column
 * here holds a time in milliseconds or a count, far below that. Per knex instance (the pg Client's
 * `types` option), not the pg module's global parsers, which would reach other users of the module.
 */
function numericTypes(base: PgTypes): PgTypes {
  return {
    getTypeParser(oid, format) {
      if ((format === undefined || format === 'text') && (oid === INT8_OID || oid === NUMERIC_OID)) return (value) => Number(value)
      return base.getTypeParser(oid, format)
    },
  }
}

type QueryCallback = (err: Error | null, result?: unknown) => void

/** The part of a pg Client that knex queries through. */
interface PgConnection {
  query(config: unknown, values?: unknown, callback?: QueryCallback): unknown
  connection: { stream: { destroy(error?: Error): void } }
}

/**
 * Builds knex for `postgres://` or `postgresql://` URLs. The URL goes to node-postgres whole, so its
 * query parameters work as libpq's do (sslmode, sslrootcert, application_name, options ...).
 * `queryDeadlineMs` as for MySQL (knex.ts): asked at each query, past it the query fails with
 * ETIMEDOUT and its connection is closed. Connections the server ended (a restart) are marked
 * disposed by knex and left out of the pool (faults/postgres-errors.test.ts proves it). The pool opens
 * at most `poolSize` connections (HEIMDALL_DATABASE_POOL_SIZE), each a server process of PostgreSQL's.
 */
export function createPostgresKnex(url: string, log: Knex.Config['log'], queryDeadlineMs: (() => number | undefined) | undefined, poolSize: number): Knex {
  // knex loads pg with require(); the same module's default parsers are the base.
  const pg = createRequire(import.meta.url)('pg') as { types: PgTypes }
  const db = knex({
    client: 'pg',
    connection: { connectionString: url.replace(/^postgresql:/, 'postgres:'), types: numericTypes(pg.types), connectionTimeoutMillis: CONNECT_TIMEOUT_MS },
    pool: {
      min: 0,
      max: poolSize,
      afterCreate(connection: PgConnection, done: (error: Error | null, connection: unknown) => void) {
        if (queryDeadlineMs) limitQueryTime(connection, queryDeadlineMs)
        // Times are BIGINT epoch milliseconds; UTC keeps what the server itself prints (now(), logs of knex_migrations) host-independent.
        connection.query('SET TIME ZONE \'UTC\'', (error: Error | null) => done(error, connection))
      },
    },
    acquireConnectionTimeout: 10000,
    log,
  })
  return db
}

/**
 * The query deadline of knex.ts's MySQL connections, for a pg Client: a hung server neither answers
 * nor closes, so past the deadline the connection's socket is destroyed (the pool drops it) and the
 * query fails with ETIMEDOUT. Stall-tolerant (setStallTolerantTimeout).
 */
function limitQueryTime(connection: PgConnection, deadlineMs: () => number | undefined): void {
  const query = connection.query.bind(connection)
  connection.query = (config, values, callback) => {
    // knex passes (config, callback); anything else (streams, internal calls) goes through untouched.
    const done = typeof values === 'function' ? (values as QueryCallback) : undefined
    const ms = deadlineMs()
    if (ms === undefined || done === undefined || callback !== undefined) return query(config, values, callback)
    let timedOut = false
    const cancel = setStallTolerantTimeout(() => {
      timedOut = true
      connection.connection.stream.destroy()
      done(Object.assign(new Error(`the database did not answer within ${ms} ms`), { code: 'ETIMEDOUT' }))
    }, ms)
    return query(config, (err: Error | null, result?: unknown) => {
      if (timedOut) return
      cancel()
      done(err, result)
    })
  }
}
