import test from 'ava'
import { databaseTypeOf } from '../../../src/config.js'
import { createKnex } from '../../../src/infra/db/knex.js'
import { HeimdallAPIClient } from '../../support/api-client.js'
import { backends, createMigratedTestDatabase } from '../../support/db.js'
import { eventually } from '../../support/eventually.js'
import { serve } from '../../support/serve-process.js'
import { TEST_PASSWORD, TEST_SECRET, uniqueEmail } from '../../support/server.js'

/** Registrations in flight at once, and how many must have been answered 200 before the kill. */
const PARALLEL = 6
const ANSWERED_BEFORE_KILL = 12

for (const backend of backends()) {
  test(`kill -9 of serve in a burst of registrations loses none that was answered 200 [${backend}]`, async (t) => {
    const database = await createMigratedTestDatabase(backend)
    const env = { HEIMDALL_DATABASE_URL: database.url, HEIMDALL_JWT_SECRET: TEST_SECRET, HEIMDALL_LOG_LEVEL: 'warn' }
    try {
      const first = await serve(env)
      const client = new HeimdallAPIClient(first.url)
      const answered: string[] = []
      let cut = 0
      let killed = false
      const register = async () => {
        while (!killed) {
          const email = uniqueEmail('crash')
          const response = await client.register(email, TEST_PASSWORD).catch(() => undefined)
          if (response === undefined) cut++ // the connection died with the process: no answer, no promise made
          else if (response.statusCode === 200) answered.push(email)
          else t.fail(`registration answered ${response.statusCode}: ${JSON.stringify(response.body)}`)
        }
      }
      const burst = Array.from({ length: PARALLEL }, register)
      t.not(await eventually(async () => answered.length >= ANSWERED_BEFORE_KILL, 60_000), undefined, 'registrations answered before the kill')
      first.child.kill('SIGKILL')
      killed = true
      await Promise.all(burst)
      await first.exited
      t.log(`${answered.length} registrations answered 200, ${cut} cut off by the kill`)

      const second = await serve(env)
      try {
        const restarted = new HeimdallAPIClient(second.url)
        const logins = await Promise.all(answered.map((email) => restarted.login(email, TEST_PASSWORD)))
        t.deepEqual(
          logins.map((login, i) => `${answered[i]} ${login.statusCode}`),
          answered.map((email) => `${email} 200`),
          'every registration answered 200 logs in after the restart',
        )

        // Registrations cut off by the kill either landed whole (with their role) or not at all.
        const db = createKnex(database.url, databaseTypeOf(database.url))
        try {
          const withoutRole = await db('users').leftJoin('user_roles', 'user_roles.user_id', 'users.id').whereNull('user_roles.user_id').pluck('users.email')
          t.deepEqual(withoutRole, [], 'users without their role')
          const stored = await db('users').count({ n: '*' }).first()
          t.true(Number(stored?.n) >= answered.length)
          t.true(Number(stored?.n) <= answered.length + cut)
        } finally {
          await db.destroy()
        }
      } finally {
        second.child.kill('SIGTERM')
        await second.exited
      }
    } finally {
      await database.drop()
    }
  })
}
