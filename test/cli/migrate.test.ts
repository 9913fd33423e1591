import test from 'ava'
import { runCli } from '../support/cli.js'
import { backends, createTestDatabase } from '../support/db.js'

for (const backend of backends()) {
  test(`migrate:status, migrate and migrate:rollback on a fresh database [${backend}]`, async (t) => {
    const database = await createTestDatabase(backend)
    const env = { HEIMDALL_DATABASE_URL: database.url }
    try {
      const before = await runCli(['migrate:status', '--json'], { env })
      t.is(before.code, 0, before.stderr)
      const pending = JSON.parse(before.stdout).pending
      t.true(pending.length > 0)
      t.deepEqual(JSON.parse(before.stdout).applied, [])

      const applied = await runCli(['migrate'], { env })
      t.is(applied.code, 0, applied.stderr)
      t.regex(applied.stdout, /Applied \d+ migration/)

      const after = await runCli(['migrate:status'], { env })
      t.is(after.code, 0)
      t.regex(after.stdout, new RegExp(`${pending.length} applied, 0 pending`))

      const rolledBack = await runCli(['migrate:rollback', '--json'], { env })
      t.is(rolledBack.code, 0, rolledBack.stderr)
      t.deepEqual(JSON.parse(rolledBack.stdout).rolledBack, [...pending].reverse(), 'the last batch, newest first')
    } finally {
      await database.drop()
    }
  })
}

test('an unsupported database URL is refused with a clear message', async (t) => {
  const result = await runCli(['migrate:status'], { env: { HEIMDALL_DATABASE_URL: 'mongodb://localhost/db' } })
  t.is(result.code, 78)
  t.regex(result.stderr, /Unsupported database URL/)
})
