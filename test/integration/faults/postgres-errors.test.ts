import test from 'ava'
import knex, { type Knex } from 'knex'
import { translateDatabaseError } from '../../../src/infra/db/database-errors.js'
import { driverErrorSummary } from '../../../src/infra/db/driver-error.js'
import { createKnex } from '../../../src/infra/db/knex.js'
import { isUniqueViolation } from '../../../src/infra/db/unique-violation.js'
import { createTestDatabase, holdUserWriteLock, type TestDatabase } from '../../support/db.js'
import { eventually } from '../../support/eventually.js'
import { startTestServer, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'

/**
 * What PostgreSQL itself answers, translated as Heimdall's other databases' answers are
 * (infra/db/database-errors.ts): each error provoked on a real server, not made up. MySQL's
 * counterparts are proven by lock-conflict.test.ts, database-outage.test.ts and the doctor's tests.
 */
const adminUrl = process.env.HEIMDALL_TEST_POSTGRES_URL
const postgres = adminUrl ? test.serial : test.serial.skip
if (!adminUrl) console.log('[postgres-errors] skipped: HEIMDALL_TEST_POSTGRES_URL is not set')

let empty: TestDatabase | undefined
let db: Knex | undefined

test.before(async () => {
  if (!adminUrl) return
  empty = await createTestDatabase('postgres')
  db = createKnex(empty.url, 'postgres')
})

test.after.always(async () => {
  await db?.destroy()
  await empty?.drop()
})

postgres('a database that does not exist is db.unavailable (3D000), a missing table db.not_migrated (42P01)', async (t) => {
  const missingUrl = new URL(adminUrl!)
  missingUrl.pathname = '/heimdall_no_such_database'
  const missing = createKnex(missingUrl.toString(), 'postgres')
  try {
    const error = await t.throwsAsync(missing.raw('select 1'))
    t.like(translateDatabaseError(error), { code: 'db.unavailable', status: 503, message: 'Database unavailable (3D000)' })
  } finally {
    await missing.destroy()
  }
  const error = await t.throwsAsync(db!('users').first())
  t.like(translateDatabaseError(error), { code: 'db.not_migrated' })
})

postgres('a refused port is db.unavailable (ECONNREFUSED)', async (t) => {
  const refused = createKnex('postgres://postgres@127.0.0.1:1/heimdall', 'postgres')
  try {
    const error = await t.throwsAsync(refused.raw('select 1'))
    t.like(translateDatabaseError(error), { code: 'db.unavailable', message: 'Database unavailable (ECONNREFUSED)' })
  } finally {
    await refused.destroy()
  }
})

postgres('a duplicate is a unique violation (23505) whose summary keeps the values out; a lock not taken (55P03) is db.busy', async (t) => {
  await db!.schema.createTable('pairs', (table) => {
    table.integer('id').primary()
    table.string('secret', 64).notNullable().unique()
  })
  await db!('pairs').insert({ id: 1, secret: 'value-that-must-not-leak' })
  const duplicate = await t.throwsAsync(db!('pairs').insert({ id: 2, secret: 'value-that-must-not-leak' }))
  t.true(isUniqueViolation(duplicate))
  const summary = driverErrorSummary(duplicate)
  t.regex(summary ?? '', /^23505: duplicate key value violates unique constraint/)
  t.false((summary ?? '').includes('value-that-must-not-leak'), summary)

  const holder = await db!.transaction()
  try {
    await holder('pairs').where({ id: 1 }).forUpdate().first()
    const busy = await t.throwsAsync(db!.transaction((trx) => trx('pairs').where({ id: 1 }).forUpdate().noWait().first()))
    t.like(translateDatabaseError(busy), { code: 'db.busy', status: 503 })
  } finally {
    await holder.rollback()
  }
})

postgres('BIGINT and booleans come back as numbers and booleans, as the repositories expect', async (t) => {
  const [row] = (await db!.raw('select 1700000000000::bigint as ms, count(*) as n, true as yes, 2.5::numeric as part')).rows
  t.deepEqual(row, { ms: 1700000000000, n: 1, yes: true, part: 2.5 })
})

let server: TestServer | undefined
test.after.always(async () => server?.close())

postgres('connections PostgreSQL ended (a restart, pg_terminate_backend) leave the pool: the next requests get live ones', async (t) => {
  server = await startTestServer('postgres', { isolated: true, env: { HEIMDALL_DATABASE_TIMEOUT: '1s' } })
  const email = uniqueEmail('terminated')
  t.is((await server.client.register(email, TEST_PASSWORD)).statusCode, 200)
  const name = new URL(server.database.url).pathname.slice(1)
  const admin = knex({ client: 'pg', connection: adminUrl!, pool: { min: 0, max: 1 } })
  try {
    const ended = await admin.raw('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()', [name])
    t.true(ended.rows.length > 0, 'the server held connections')
  } finally {
    await admin.destroy()
  }
  // Each idle connection reads its termination as a message; a restart's is read long before the next request.
  const pool = (server.context.db.client as { pool: { free: Array<{ resource: { __knex__disposed?: unknown } }> } }).pool
  t.not(await eventually(async () => pool.free.every(({ resource }) => resource.__knex__disposed !== undefined), 5000, 10), undefined)
  for (let i = 0; i < 3; i++) t.is((await server.client.login(email, TEST_PASSWORD)).statusCode, 200)
})

postgres('a query that waits past HEIMDALL_DATABASE_TIMEOUT answers 503 db.unavailable, and its connection is replaced', async (t) => {
  const email = uniqueEmail('held')
  const { body: registered } = await server!.client.register(email, TEST_PASSWORD)
  // A login inserts a session referencing the user: it waits on the user's row, locked for 4 s.
  const lock = await holdUserWriteLock(server!.database, registered.user_id, 4000)
  const started = Date.now()
  const held = await server!.client.login(email, TEST_PASSWORD)
  const waited = Date.now() - started
  t.is(held.statusCode, 503, `${JSON.stringify(held.body)} ${server!.warnings.slice(-3).join('\n')}`)
  t.like(held.body, { code: 'db.unavailable' })
  t.true(waited < 3500, `answered after ${waited} ms, not when the lock was let go`)
  await lock.released
  t.is((await server!.client.login(email, TEST_PASSWORD)).statusCode, 200)
})
