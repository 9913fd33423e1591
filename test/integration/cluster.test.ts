import test from 'ava'
import got from 'got'
import { HeimdallAPIClient } from '../support/api-client.js'
import { VERSION } from '../../src/version.js'
import { backends, createMigratedTestDatabase, createTestDatabase } from '../support/db.js'
import { eventually } from '../support/eventually.js'
import { sample } from '../support/prometheus.js'
import { serve } from '../support/serve-process.js'
import { TEST_PASSWORD, TEST_SECRET, uniqueEmail } from '../support/server.js'

for (const backend of backends()) {
  test(`serve --workers 2: a logout on one worker is seen by 20 validations spread over all workers [${backend}]`, async (t) => {
    const database = await createMigratedTestDatabase(backend)
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
    await eventually(async () => /died \(SIGKILL\); starting a new one/.test(served.output()), 10_000, 50)
    t.regex(served.output(), /died \(SIGKILL\); starting a new one/)
    // The replacement needs a moment to boot; until then the survivor answers everything.
    const pids = new Set<number>()
    await eventually(async () => {
      const health = await got(`${served.url}/health/detailed`, { headers: { connection: 'close' }, retry: { limit: 2 } }).json<{ system: { pid: number } }>()
      pids.add(health.system.pid)
      return pids.size >= 2
    }, 15_000, 100)
    t.is(pids.size, 2, 'two live workers again')
    t.false(pids.has(pid))
  } finally {
    served.child.kill('SIGTERM')
    t.is(await served.exited, 0)
    await database.drop()
  }
})

test('serve --workers 2: every scrape of /metrics counts the requests of both workers, or fails with 503', async (t) => {
  const database = await createTestDatabase('sqlite')
  const served = await serve({ HEIMDALL_DATABASE_URL: database.url, HEIMDALL_JWT_SECRET: TEST_SECRET }, ['--workers', '2'])
  // A fresh connection per request: the cluster primary hands connections to workers in turn.
  const fresh = got.extend({ prefixUrl: served.url, headers: { connection: 'close' }, throwHttpErrors: false, retry: { limit: 0 } })
  const pids = new Set<number>()
  try {
    for (let i = 0; i < 4; i++) pids.add((await fresh.get('health/detailed').json<{ system: { pid: number } }>()).system.pid)
    t.is(pids.size, 2, 'both workers answer')
    for (let i = 0; i < 10; i++) t.is((await fresh.post('auth/validate', { json: { token: `garbage-${i}` } })).statusCode, 200)

    const validate = { method: 'POST', route: '/auth/validate', status: '200' }
    for (let scrape = 0; scrape < 4; scrape++) {
      const response = await fresh.get('metrics')
      t.is(response.statusCode, 200)
      const text = response.body
      t.is(sample(text, 'heimdall_token_validations_total', { outcome: 'invalid' }), 10, `scrape ${scrape}: validations of both workers`)
      t.is(sample(text, 'heimdall_http_requests_total', validate), 10)
      t.is(sample(text, 'heimdall_http_request_duration_seconds_count', validate), 10)
      t.is(sample(text, 'heimdall_build_info', { version: VERSION }), 1, 'the same for every worker: not added up')
      t.is(sample(text, 'heimdall_db_pool_max'), 2, "each worker's SQLite connection")
      t.true((sample(text, 'process_start_time_seconds') ?? 0) > 0, 'the earliest worker start')
    }

    // A worker that cannot answer: a scrape that reaches the other one fails rather than showing half the counts.
    const [stopped] = pids
    process.kill(stopped, 'SIGSTOP')
    try {
      let answered: { statusCode: number; body: string } | undefined
      for (let attempt = 0; attempt < 4 && !answered; attempt++) {
        answered = await fresh.get('metrics', { timeout: { request: 6000 } }).catch(() => undefined)
      }
      t.is(answered?.statusCode, 503)
      t.regex(JSON.parse(answered?.body ?? '{}').error, /did not send their metrics in time/)
    } finally {
      process.kill(stopped, 'SIGCONT')
    }
    t.is((await fresh.get('metrics')).statusCode, 200, 'scrapes work again once the worker answers')
  } finally {
    served.child.kill('SIGTERM')
    t.is(await served.exited, 0)
    await database.drop()
  }
})
