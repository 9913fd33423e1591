import test from 'ava'
import knex, { type Knex } from 'knex'
import { translateDatabaseError } from '../../../src/infra/db/database-errors.js'
import { createKnex } from '../../../src/infra/db/knex.js'
import { transactionRetryingLockConflicts } from '../../../src/infra/db/lock-conflict.js'
import { createTestDatabase, type TestDatabase } from '../../support/db.js'
import { eventually } from '../../support/eventually.js'

// Deadlocks exist only on the database servers (InnoDB, PostgreSQL): SQLite serialises writers. Its
// conflict is a lost snapshot, tested at the end of this file.
const SERVERS = [
  { backend: 'mysql', client: 'mysql2', deadlock: 'ER_LOCK_DEADLOCK', enabled: Boolean(process.env.HEIMDALL_TEST_MYSQL_URL) },
  { backend: 'postgres', client: 'pg', deadlock: '40P01', enabled: Boolean(process.env.HEIMDALL_TEST_POSTGRES_URL) },
] as const

for (const server of SERVERS) lockConflictTests(server)

function lockConflictTests({ backend, client, deadlock, enabled }: (typeof SERVERS)[number]) {
  const serial = enabled ? test.serial : test.serial.skip
  let database: TestDatabase
  let db: Knex

  test.before(async () => {
    if (!enabled) return
    database = await createTestDatabase(backend)
    db = knex({ client, connection: database.url, pool: { min: 0, max: 4 } })
    await db.schema.createTable('pair', (table) => {
      table.integer('id').primary()
      table.integer('value').notNullable()
    })
  })

  test.after.always(async () => {
    await db?.destroy()
    await database?.drop()
  })

  /**
   * Two transactions that lock rows 1 and 2 in opposite orders, each waiting for the other to hold its
   * first row before reaching for its second: the database must kill one of them (`deadlock`). Answers
   * how many times each transaction body ran.
   */
  async function crossedTransactions(run: <T>(work: (trx: Knex.Transaction) => Promise<T>) => Promise<T>) {
    await db('pair').delete()
    await db('pair').insert([{ id: 1, value: 0 }, { id: 2, value: 0 }])
    let holding = 0
    // A transaction that never gets to hold its first row fails its run instead of hanging the test.
    const bothHolding = eventually(async () => holding >= 2, 10_000, 5).then((took) => {
      if (took === undefined) throw new Error('the two transactions did not both hold their first row within 10 s')
    })
    bothHolding.catch(() => undefined)
    const runs = [0, 0]
    const crossed = (index: number, first: number, second: number) =>
      run(async (trx) => {
        runs[index]++
        await trx('pair').where({ id: first }).increment('value', 1)
        if (runs[index] === 1) {
          holding++
          await bothHolding
        }
        await trx('pair').where({ id: second }).increment('value', 1)
      })
    const results = await Promise.allSettled([crossed(0, 1, 2), crossed(1, 2, 1)])
    return { results, runs }
  }

  serial(`plain transactions that cross their locks deadlock: the conflict the retry is for is real [${backend}]`, async (t) => {
    const { results } = await crossedTransactions((work) => db.transaction(work))
    const rejected = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected')
    t.is(rejected.length, 1)
    t.is(rejected[0].reason.code, deadlock)
    const translated = translateDatabaseError(rejected[0].reason)
    t.is(translated?.code, 'db.busy', 'a conflict that outlasts its retries is a 503, not a 500')
    t.is(translated?.status, 503)
    t.is(translated?.retryAfterSeconds, 1)
  })

  serial(`transactionRetryingLockConflicts runs the deadlock victim again: both transactions land, each once [${backend}]`, async (t) => {
    const { results, runs } = await crossedTransactions((work) => transactionRetryingLockConflicts(db, work))
    t.deepEqual(results.map((result) => result.status), ['fulfilled', 'fulfilled'])
    t.deepEqual([...runs].sort(), [1, 2], 'the victim ran twice, the survivor once')
    const values = (await db('pair').orderBy('id').select('value')).map((row: { value: number }) => row.value)
    t.deepEqual(values, [2, 2], 'the rolled-back first run left nothing behind')
  })

  serial(`inside an enclosing transaction it runs once: only the owner of the transaction can run it again [${backend}]`, async (t) => {
    let runs = 0
    const error = await t.throwsAsync(
      db.transaction((outer) =>
        transactionRetryingLockConflicts(outer, async () => {
          runs++
          throw Object.assign(new Error('deadlock'), { code: deadlock })
        }),
      ),
    )
    t.is((error as { code?: string }).code, deadlock)
    t.is(runs, 1)
  })
}

// SQLite in WAL mode: a transaction that has read cannot write once another connection (another
// process: `serve` beside a CLI command) has committed since that read. SQLite answers
// SQLITE_BUSY_SNAPSHOT at once, which no busy timeout waits out; a clean-clone run of 2026-12-06
// failed `user:send-reset` so (exit 70, "database is locked") beside a serving Heimdall.
test.serial('SQLite: a transaction whose snapshot another connection wrote past is run again, not failed [sqlite]', async (t) => {
  const database = await createTestDatabase('sqlite')
  const file = database.url.slice('sqlite:'.length)
  // Heimdall's own SQLite connection (WAL, its busy timeout), as a `heimdall` command opens it.
  const db = createKnex(database.url, 'sqlite')
  const { default: Database } = await import('better-sqlite3')
  const other = new Database(file)
  t.teardown(async () => {
    other.close()
    await db.destroy()
    await database.drop()
  })
  await db.schema.createTable('counter', (table) => {
    table.integer('id').primary()
    table.integer('value').notNullable()
  })
  await db('counter').insert({ id: 1, value: 0 })

  let runs = 0
  const value = await transactionRetryingLockConflicts(db, async (trx) => {
    runs++
    const { value: read } = await trx('counter').where({ id: 1 }).first()
    // The other connection commits between this transaction's read and its write, the first time only.
    if (runs === 1) other.prepare('UPDATE counter SET value = value + 10 WHERE id = 1').run()
    await trx('counter').where({ id: 1 }).update({ value: read + 1 })
    return read + 1
  })
  t.is(runs, 2, 'the first run lost its snapshot and the transaction ran again')
  t.is(value, 11)
  t.is((await db('counter').where({ id: 1 }).first()).value, 11, 'both writes count: none was lost')
})
