import test from 'ava'
import got from 'got'
import { HeimdallAPIClient } from '../aux/api-client.js'
import { backends, createTestDatabase } from '../aux/db.js'
import { serve } from '../aux/serve-process.js'
import { TEST_PASSWORD, TEST_SECRET, uniqueEmail } from '../aux/server.js'

for (const backend of backends()) {
  test(`serve --workers 2: a logout on one worker is seen by 20 validations spread over all workers [${backend}]`, async (t) => {
    const database = await createTestDatabase(backend)
    const served = await serve({ HEIMDALL_DATABASE_URL: database.url, HEIMDALL_JWT_SECRET: TEST_SECRET }, ['--workers', '2'])
    try {
      t.regex(served.output(), /with 2 workers/)
      // A fresh connection per request: the cluster primary hands connections to workers in turn.
      const client = new HeimdallAPIClient(served.url)
      const fresh = client.http.extend({ agent: { http: undefined }, headers: { connection: 'close' } })
      const pids = new Set<number>()
      for (let i = 0; i < 6; i++) pids.add((await fresh.get('health/detailed').json<{ system: { pid: number } }>()).system.pid)
      t.is(pids.size, 2, 'both workers answer')

      const email = uniqueEmail('cluster')
      const { accessToken } = await client.registerAndLogin(email, TEST_PASSWORD)
      const validate = () => fresh.post('auth/validate', { json: { token: accessToken } }).json<{ is_valid: boolean }>()
      for (let i = 0; i < 10; i++) t.true((await validate()).is_valid, 'cached as live on every worker')

      const out = await fresh.post('auth/logout', { headers: { authorization: `Bearer ${accessToken}` } })
      t.is(out.statusCode, 204)
      const after = await Promise.all(Array.from({ length: 20 }, () => validate()))
      t.deepEqual(after.map((result) => result.is_valid), Array(20).fill(false))
    } finally {
      served.child.kill('SIGTERM')
      t.is(await served.exited, 0, 'all workers stopped gracefully')
      await database.drop()
    }
  })
}

test('serve --workers 2 replaces a worker that dies', async (t) => {
  const database = await createTestDatabase('sqlite')
  const served = await serve({ HEIMDALL_DATABASE_URL: database.url, HEIMDALL_JWT_SECRET: TEST_SECRET }, ['--workers', '2'])
  try {
    const pid = (await got(`${served.url}/health/detailed`, { headers: { connection: 'close' } }).json<{ system: { pid: number } }>()).system.pid
    process.kill(pid, 'SIGKILL')
    const deadline = Date.now() + 10000
    while (!/died \(SIGKILL\); starting a new one/.test(served.output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    t.regex(served.output(), /died \(SIGKILL\); starting a new one/)
    // The replacement needs a moment to boot; until then the survivor answers everything.
    const pids = new Set<number>()
    const bootDeadline = Date.now() + 15000
    while (pids.size < 2 && Date.now() < bootDeadline) {
      const health = await got(`${served.url}/health/detailed`, { headers: { connection: 'close' }, retry: { limit: 2 } }).json<{ system: { pid: number } }>()
      pids.add(health.system.pid)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    t.is(pids.size, 2, 'two live workers again')
    t.false(pids.has(pid))
  } finally {
    served.child.kill('SIGTERM')
    t.is(await served.exited, 0)
    await database.drop()
  }
})
