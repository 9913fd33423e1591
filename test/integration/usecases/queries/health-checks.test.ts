import { readFileSync } from 'node:fs'
import test from 'ava'
import { HeimdallAPIClient } from '../../../support/api-client.js'
import { backends, createTestDatabase } from '../../../support/db.js'
import { serve } from '../../../support/serve-process.js'
import { fastestAverageMs } from '../../../support/timing.js'
import { serialServerTest, isolatedServerTest, serverTest, TEST_PASSWORD, TEST_SECRET, uniqueEmail } from '../../../support/server.js'

/** package.json of the repository: this file runs as dist/test/integration/usecases/queries/*.js. */
const PACKAGE_VERSION: string = JSON.parse(readFileSync(new URL('../../../../../package.json', import.meta.url), 'utf8')).version
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/
const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/

serverTest('GET /health answers {status: healthy, timestamp, version}', async (t, server) => {
  const response = await server.client.health()
  t.is(response.statusCode, 200)
  t.deepEqual(Object.keys(response.body).sort(), ['status', 'timestamp', 'version'])
  t.is(response.body.status, 'healthy')
  t.is(typeof response.body.timestamp, 'string')
  t.is(typeof response.body.version, 'string')
  t.is(response.headers['content-type']?.split(';')[0], 'application/json')
})

serverTest('the health version is semver and equals package.json', async (t, server) => {
  t.regex(PACKAGE_VERSION, SEMVER, 'sanity: the package version read from disk')
  const response = await server.client.health()
  t.regex(response.body.version, SEMVER)
  t.is(response.body.version, PACKAGE_VERSION)
  t.is((await server.client.healthDetailed()).body.version, PACKAGE_VERSION)
  t.is(response.headers['x-api-version'], PACKAGE_VERSION)
})

serverTest('the health timestamp is ISO 8601 UTC and within 60 s of now', async (t, server) => {
  for (const response of [await server.client.health(), await server.client.healthDetailed()]) {
    const { timestamp } = response.body
    t.regex(timestamp, ISO_UTC)
    const parsed = Date.parse(timestamp)
    t.false(Number.isNaN(parsed))
    t.is(new Date(parsed).toISOString().slice(0, 19), timestamp.slice(0, 19), 'round-trips as UTC')
    t.true(Math.abs(parsed - Date.now()) < 60_000, `${timestamp} vs ${new Date().toISOString()}`)
  }
})

isolatedServerTest('GET /health/detailed reports environment, system, dependencies and real metrics', async (t, server) => {
  const first = await server.client.healthDetailed()
  t.is(first.statusCode, 200)
  const body = first.body
  t.is(body.status, 'healthy')
  t.regex(body.timestamp, ISO_UTC)
  t.is(body.version, PACKAGE_VERSION)
  t.is(body.environment, server.context.config.environment)
  t.is(typeof body.environment, 'string')

  t.is(body.system.node_version, process.version)
  t.is(typeof body.system.uptime, 'number')
  t.true(body.system.uptime >= 0)

  const database = body.dependencies.database
  t.is(database.status, 'healthy')
  t.is(database.type, server.backend)
  t.true(['sqlite', 'mysql', 'postgres'].includes(database.type))
  t.is(typeof database.latency_ms, 'number')
  t.true(database.latency_ms >= 0)
  t.is(body.dependencies.cache.status, 'healthy')
  t.is(typeof body.dependencies.cache.type, 'string')

  t.true(Number.isInteger(body.metrics.total_requests))
  t.true(body.metrics.total_requests >= 1)
  t.is(body.metrics.active_sessions, 0, 'nobody has logged in yet')
  t.is(typeof body.metrics.cache_hit_rate, 'number')
  t.true(body.metrics.cache_hit_rate >= 0 && body.metrics.cache_hit_rate <= 1)

  // The numbers move with real traffic.
  const { accessToken } = await server.client.registerAndLogin(uniqueEmail('metrics'), TEST_PASSWORD)
  await server.client.validate(accessToken)
  await server.client.validate(accessToken)
  const second = (await server.client.healthDetailed()).body
  t.true(second.metrics.total_requests >= body.metrics.total_requests + 5, `${body.metrics.total_requests} -> ${second.metrics.total_requests}`)
  t.is(second.metrics.active_sessions, 1, 'the login opened one active session')
  await server.client.logout(accessToken)
  t.is((await server.client.healthDetailed()).body.metrics.active_sessions, 0, 'logout closes it')
})

isolatedServerTest('when the database does not answer, /health/detailed is 503 unhealthy and /health still answers', async (t, server) => {
  t.is((await server.client.healthDetailed()).statusCode, 200)
  await server.context.db.destroy() // the pool is gone: every query now fails (close() tolerates a second destroy)

  const response = await server.client.healthDetailed()
  t.is(response.statusCode, 503)
  t.is(response.body.status, 'unhealthy')
  t.is(response.body.dependencies.database.status, 'unhealthy')
  t.is(response.body.dependencies.database.latency_ms, null)
  t.is(response.body.dependencies.database.type, server.backend)
  t.is(response.body.metrics.active_sessions, null)
  t.is(response.body.version, PACKAGE_VERSION)

  const ready = await server.client.ready()
  t.is(ready.statusCode, 503)
  t.is(ready.body.status, 'not_ready')
  t.is((await server.client.live()).statusCode, 200, 'the process is still alive')
  t.is((await server.client.health()).statusCode, 200, '/health does not touch the database')
})

serialServerTest('ten health calls average under 100 ms (fastest of 3 batches)', async (t, server) => {
  await server.client.health()
  for (const call of [() => server.client.health(), () => server.client.healthDetailed()]) {
    const averageMs = await fastestAverageMs(async () => t.is((await call()).statusCode, 200), 10)
    t.log(`average: ${averageMs.toFixed(2)} ms`)
    t.true(averageMs < 100, `${averageMs} ms`)
  }
})

for (const backend of backends()) {
  // A fresh database to migrate and an RS256 key to create: the server listens a while before it can
  // take commands. Whoever waits for /health (a client, an orchestrator) sends commands next.
  test(`/health answers 503 starting, never 200, until commands are taken [${backend}]`, async (t) => {
    const database = await createTestDatabase(backend)
    try {
      // MySQL instances must name their shared data keys, which seal the RS256 key.
      const env = { HEIMDALL_DATABASE_URL: database.url, HEIMDALL_JWT_SECRET: TEST_SECRET, HEIMDALL_JWT_ALG: 'RS256', HEIMDALL_DATA_KEY_FILE: `${database.dir}/data-keys` }
      const served = await serve(env, [], /listening on (http:\/\/\S+)/)
      t.teardown(() => served.child.kill('SIGKILL')) // a no-op once it has exited
      const client = new HeimdallAPIClient(served.url)
      const answers: string[] = []
      const deadline = Date.now() + 30_000
      let health = await client.health()
      while (health.statusCode !== 200 && Date.now() < deadline) {
        answers.push(`${health.statusCode} ${health.body.status}`)
        t.is(health.statusCode, 503)
        t.is(health.body.status, 'starting')
        t.is(health.body.version, PACKAGE_VERSION)
        t.is((await client.live()).statusCode, 200, '/live answers meanwhile')
        health = await client.health()
      }
      t.is(health.body.status, 'healthy')
      const command = await client.validate('not-a-token')
      t.is(command.statusCode, 200, `a command right after /health said healthy: ${JSON.stringify(command.body)}`)
      t.log(`${answers.length} answers before healthy: ${[...new Set(answers)].join(', ') || 'none'}`)
      served.child.kill('SIGTERM')
      t.is(await served.exited, 0)
    } finally {
      await database.drop()
    }
  })
}
