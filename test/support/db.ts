import { createHash, randomBytes } from 'node:crypto'
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import knex from 'knex'
import { createKnex } from '../../src/infra/db/knex.js'
import { migrateLatest } from '../../src/infra/db/migrate.js'

export type Backend = 'sqlite' | 'mysql' | 'postgres'

/**
 * SQLite always; MySQL too when CI (or you) set HEIMDALL_TEST_MYSQL_URL, PostgreSQL when
 * HEIMDALL_TEST_POSTGRES_URL is set.
 */
export function backends(): Backend[] {
  const all: Backend[] = ['sqlite']
  if (process.env.HEIMDALL_TEST_MYSQL_URL) all.push('mysql')
  if (process.env.HEIMDALL_TEST_POSTGRES_URL) all.push('postgres')
  return all
}

export interface TestDatabase {
  url: string
  /** A directory of this database's own, for files such as a generated secret. */
  dir: string
  drop(): Promise<void>
}

/** A fresh, empty database no other test shares: a new SQLite file, MySQL schema or PostgreSQL database. */
export async function createTestDatabase(backend: Backend): Promise<TestDatabase> {
  return createDatabase(backend, false)
}

/**
 * A fresh database no other test shares, with every migration applied: a copy of a template that was
 * migrated once (per test process for SQLite, per set of migrations for MySQL and PostgreSQL, shared
 * by the test processes). Running the migrations for each of the suite's few hundred test servers cost MariaDB
 * seconds of DDL each under load; a copy of the final schema costs a fraction of that. Tests of the
 * migrations themselves use createTestDatabase.
 */
export async function createMigratedTestDatabase(backend: Backend): Promise<TestDatabase> {
  return createDatabase(backend, true)
}

async function createDatabase(backend: Backend, migrated: boolean): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'heimdall-test-'))
  const removeDir = () => rmSync(dir, { recursive: true, force: true })
  if (backend === 'sqlite') {
    const file = join(dir, 'heimdall.db')
    if (migrated) copyFileSync(await sqliteTemplate(), file)
    return { url: `sqlite:${file}`, dir, drop: async () => removeDir() }
  }
  if (backend === 'postgres') return createPostgresDatabase(dir, removeDir, migrated)

  const admin = new URL(process.env.HEIMDALL_TEST_MYSQL_URL!)
  const name = `heimdall_t_${randomBytes(6).toString('hex')}`
  if (migrated) {
    const template = await mysqlTemplate(admin)
    await cloneSchema(admin, template, name)
  } else {
    await withAdminConnection(admin, (db) => db.raw('CREATE DATABASE ?? CHARACTER SET utf8mb4', [name]))
  }
  const url = new URL(admin)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    dir,
    drop: async () => {
      await withAdminConnection(admin, (db) => db.raw('DROP DATABASE IF EXISTS ??', [name]))
      removeDir()
    },
  }
}

async function createPostgresDatabase(dir: string, removeDir: () => void, migrated: boolean): Promise<TestDatabase> {
  const admin = new URL(process.env.HEIMDALL_TEST_POSTGRES_URL!)
  const name = `heimdall_t_${randomBytes(6).toString('hex')}`
  const template = migrated ? await postgresTemplate(admin) : 'template0'
  // FILE_COPY: copying a small template's files beats WAL_LOG's (PostgreSQL 15's default) logging of every block.
  await withPostgresAdmin(admin, (db) => db.raw('CREATE DATABASE ?? TEMPLATE ?? STRATEGY FILE_COPY', [name, template]))
  const url = new URL(admin)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    dir,
    drop: async () => {
      // FORCE: a server that failed to close its pool must not keep its database for ever.
      await withPostgresAdmin(admin, (db) => db.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name]))
      removeDir()
    },
  }
}

function withPostgresAdmin(url: URL, work: (db: knex.Knex) => Promise<unknown>): Promise<void> {
  return withOneConnection({ client: 'pg', connection: url.toString() }, work)
}

let postgresTemplateName: Promise<string> | undefined
/**
 * The database `heimdall_tpl_<migrations hash>`, migrated once and kept for later runs, as
 * mysqlTemplate does; an advisory lock makes the test processes that start together build it once.
 * Nothing stays connected to it (PostgreSQL refuses to copy a database someone is connected to).
 */
function postgresTemplate(admin: URL): Promise<string> {
  postgresTemplateName ??= (async () => {
    const { hash, count } = migrationsFingerprint()
    const name = `heimdall_tpl_${hash}`
    await withPostgresAdmin(admin, async (db) => {
      // A session lock (pool of one: the same connection throughout): CREATE DATABASE cannot run in a transaction.
      await db.raw('SELECT pg_advisory_lock(hashtext(?))', [name])
      try {
        const url = new URL(admin)
        url.pathname = `/${name}`
        const exists = (await db.raw('SELECT 1 FROM pg_database WHERE datname = ?', [name])).rows.length === 1
        if (exists && (await countAppliedMigrations(url)) === count) return
        await db.raw('DROP DATABASE IF EXISTS ?? WITH (FORCE)', [name])
        await db.raw('CREATE DATABASE ?? TEMPLATE template0', [name])
        await migrateAt(url, 'postgres')
      } finally {
        await db.raw('SELECT pg_advisory_unlock(hashtext(?))', [name])
      }
    })
    return name
  })()
  return postgresTemplateName
}

/** Applies every migration to the database at `url`. */
async function migrateAt(url: URL, type: 'mysql' | 'postgres'): Promise<void> {
  const migrator = createKnex(url.toString(), type)
  try {
    await migrateLatest(migrator)
  } finally {
    await migrator.destroy()
  }
}

/** How many migrations a PostgreSQL database records (0 when it has no knex_migrations table). */
async function countAppliedMigrations(url: URL): Promise<number> {
  let applied = 0
  await withPostgresAdmin(url, async (db) => {
    if (await db.schema.hasTable('knex_migrations')) applied = Number((await db('knex_migrations').count({ n: '*' }).first())?.n ?? 0)
  })
  return applied
}

function withAdminConnection(url: URL, work: (db: knex.Knex) => Promise<unknown>): Promise<void> {
  const connection = { host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
  return withOneConnection({ client: 'mysql2', connection }, work)
}

/** Runs `work` on a knex of one connection (a session: locks taken stay with it), destroyed afterwards. */
async function withOneConnection(config: knex.Knex.Config, work: (db: knex.Knex) => Promise<unknown>): Promise<void> {
  const db = knex({ ...config, pool: { min: 0, max: 1 } })
  try {
    await work(db)
  } finally {
    await db.destroy()
  }
}

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url))

/** Names the compiled migrations' contents: a changed or added migration gets a new template. */
function migrationsFingerprint(): { hash: string; count: number } {
  const files = readdirSync(MIGRATIONS_DIR).filter((file) => file.endsWith('.js')).sort()
  const hash = createHash('sha256')
  for (const file of files) hash.update(file).update(readFileSync(join(MIGRATIONS_DIR, file)))
  return { hash: hash.digest('hex').slice(0, 16), count: files.length }
}

let sqliteTemplateFile: Promise<string> | undefined
function sqliteTemplate(): Promise<string> {
  sqliteTemplateFile ??= (async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'heimdall-template-')), 'heimdall.db')
    const db = createKnex(`sqlite:${file}`, 'sqlite')
    try {
      await migrateLatest(db)
      // A copy must hold everything: no part of the schema left in the write-ahead log.
      await db.raw('PRAGMA wal_checkpoint(TRUNCATE)')
    } finally {
      await db.destroy()
    }
    process.once('exit', () => rmSync(join(file, '..'), { recursive: true, force: true }))
    return file
  })()
  return sqliteTemplateFile
}

let mysqlTemplateName: Promise<string> | undefined
/**
 * The schema `heimdall_tpl_<migrations hash>`, migrated once and kept for later runs. A lock makes
 * the test processes that start together build it once; one whose migrations are not all recorded
 * (a process killed while building it) is built again.
 */
function mysqlTemplate(admin: URL): Promise<string> {
  mysqlTemplateName ??= (async () => {
    const { hash, count } = migrationsFingerprint()
    const name = `heimdall_tpl_${hash}`
    await withAdminConnection(admin, async (db) => {
      const [[lock]] = await db.raw('SELECT GET_LOCK(?, 120) AS held', [name])
      if (Number(lock.held) !== 1) throw new Error(`could not lock the test template ${name}`)
      try {
        const [[recorded]] = await db.raw(
          'SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_name = ?',
          [name, 'knex_migrations'],
        )
        const applied = Number(recorded.n) === 1 ? Number((await db.raw('SELECT COUNT(*) AS n FROM ??.knex_migrations', [name]))[0][0].n) : 0
        if (applied === count) return
        await db.raw('DROP DATABASE IF EXISTS ??', [name])
        await db.raw('CREATE DATABASE ?? CHARACTER SET utf8mb4', [name])
        const url = new URL(admin)
        url.pathname = `/${name}`
        await migrateAt(url, 'mysql')
      } finally {
        await db.raw('SELECT RELEASE_LOCK(?)', [name])
      }
    })
    return name
  })()
  return mysqlTemplateName
}

/** Connections that create a clone's tables side by side. */
const CLONE_CONNECTIONS = 4

/**
 * Creates `target` with `template`'s tables (foreign keys included) and rows (the seeded roles, the
 * migration records). The tables are made over CLONE_CONNECTIONS connections at once: InnoDB creates
 * and syncs each table's file in turn, so one connection took about 2.2 s for the thirty tables on
 * this machine under load, four take about 0.8 s. Foreign-key checks are off on each connection, so
 * the order in which tables appear does not matter.
 */
async function cloneSchema(admin: URL, template: string, target: string): Promise<void> {
  let tables: string[] = []
  await withAdminConnection(admin, async (db) => {
    const rows = (await db.raw('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ? AND table_type = ?', [template, 'BASE TABLE']))[0] as Array<{ name: string }>
    tables = rows.map(({ name }) => name)
    await db.raw('CREATE DATABASE ?? CHARACTER SET utf8mb4', [target])
  })
  const connection = { host: admin.hostname, port: Number(admin.port || 3306), user: decodeURIComponent(admin.username), password: decodeURIComponent(admin.password), database: target }
  const db = knex({
    client: 'mysql2',
    connection,
    pool: {
      min: 0,
      max: CLONE_CONNECTIONS,
      afterCreate: (raw: { query: (sql: string, done: (error: Error | null) => void) => void }, done: (error: Error | null, raw: unknown) => void) =>
        raw.query('SET FOREIGN_KEY_CHECKS = 0', (error) => done(error, raw)),
    },
  })
  try {
    const cloneNext = async (): Promise<void> => {
      for (let name = tables.shift(); name !== undefined; name = tables.shift()) {
        const [[created]] = await db.raw('SHOW CREATE TABLE ??.??', [template, name])
        await db.raw(created['Create Table'])
        await db.raw('INSERT INTO ??.?? SELECT * FROM ??.??', [target, name, template, name])
      }
    }
    await Promise.all(Array.from({ length: CLONE_CONNECTIONS }, cloneNext))
  } finally {
    await db.destroy()
  }
}

/**
 * Holds, for `ms` milliseconds and from a connection of its own, a lock that a write referencing the
 * user `userId` waits on: SQLite's database-wide write lock (BEGIN IMMEDIATE), or on MySQL the user's
 * row FOR UPDATE (an insert referencing it waits on its foreign-key check; PostgreSQL's takes a KEY
 * SHARE lock, which waits on FOR UPDATE too). The SQLite lock is held
 * from a worker thread: a better-sqlite3 server waiting on it blocks the event loop it shares with the
 * test. Resolves once held; `released` resolves with the time (Date.now(), milliseconds) it was let go.
 */
export async function holdUserWriteLock(database: TestDatabase, userId: string, ms: number): Promise<{ released: Promise<number> }> {
  if (database.url.startsWith('sqlite:')) {
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads')
      const db = new (require(workerData.driver))(workerData.file)
      db.exec('BEGIN IMMEDIATE')
      parentPort.postMessage({ held: true })
      setTimeout(() => { db.exec('COMMIT'); db.close(); parentPort.postMessage({ releasedAt: Date.now() }) }, workerData.ms)`,
      { eval: true, workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), file: database.url.slice('sqlite:'.length), ms } },
    )
    const messages = (predicate: (message: { held?: boolean; releasedAt?: number }) => boolean) => new Promise<{ releasedAt?: number }>((resolve, reject) => {
      const listener = (message: { held?: boolean; releasedAt?: number }) => {
        if (!predicate(message)) return
        worker.off('message', listener)
        resolve(message)
      }
      worker.on('message', listener)
      worker.once('error', reject)
    })
    const released = messages((message) => message.releasedAt !== undefined)
    await messages((message) => message.held === true)
    return { released: released.then(async ({ releasedAt }) => { await worker.terminate(); return releasedAt! }) }
  }
  const db = knex({ client: database.url.startsWith('postgres') ? 'pg' : 'mysql2', connection: database.url, pool: { min: 0, max: 1 } })
  const trx = await db.transaction()
  await trx('users').where({ id: userId }).forUpdate().first()
  const released = new Promise<number>((resolve, reject) => setTimeout(() => {
    const releasedAt = Date.now()
    trx.commit().then(() => db.destroy()).then(() => resolve(releasedAt), reject)
  }, ms))
  return { released }
}
