import test, { type ExecutionContext } from 'ava'
import { HeimdallAPIClient } from '../../support/api-client.js'
import { runCli } from '../../support/cli.js'
import { backends, createMigratedTestDatabase, type Backend, type TestDatabase } from '../../support/db.js'
import { eventually } from '../../support/eventually.js'
import { claimsOf } from '../../support/jwt.js'
import { redisUnavailable, startOwnRedis, TEST_REDIS_URL } from '../../support/redis.js'
import { serve, type Served } from '../../support/serve-process.js'
import { TEST_PASSWORD, TEST_SECRET, uniqueEmail } from '../../support/server.js'

const REDIS_BOUND_MS = 100
const redisMissing = await redisUnavailable()

interface Instances {
  a: HeimdallAPIClient
  b: HeimdallAPIClient
  served: Served[]
  env: Record<string, string>
}

/** Two `heimdall serve` processes on their own ports over one database, as behind a load balancer. */
async function withTwoInstances(backend: Backend, env: Record<string, string>, run: (instances: Instances, database: TestDatabase) => Promise<void>): Promise<void> {
  const database = await createMigratedTestDatabase(backend)
  const sharedEnv = { HEIMDALL_DATABASE_URL: database.url, HEIMDALL_JWT_SECRET: TEST_SECRET, ...env }
  const served: Served[] = []
  try {
    served.push(await serve(sharedEnv))
    served.push(await serve(sharedEnv, ['--no-migrate']))
    await run({ a: new HeimdallAPIClient(served[0].url), b: new HeimdallAPIClient(served[1].url), served, env: sharedEnv }, database)
  } finally {
    for (const instance of served) instance.child.kill('SIGTERM')
    await Promise.all(served.map((instance) => instance.exited))
    await database.drop()
  }
}

/** Logs a user in on A and makes sure B has the session cached as live. */
async function liveOnBoth(t: ExecutionContext, { a, b }: Instances, label: string) {
  const email = uniqueEmail(label)
  await a.register(email, TEST_PASSWORD)
  const tokens = await a.loginTokens(email, TEST_PASSWORD)
  for (let i = 0; i < 3; i++) t.true((await b.validate(tokens.accessToken)).body.is_valid, 'B validates the token from its cache')
  return { email, ...tokens }
}

/** Milliseconds from now until B answers is_valid false for the token, or undefined past `withinMs`. */
function untilInvalidOn(client: HeimdallAPIClient, token: string, withinMs: number): Promise<number | undefined> {
  return eventually(async () => !(await client.validate(token)).body.is_valid, withinMs, 2)
}

/**
 * The propagation lags B measured for invalidations of `id` (publish on A to eviction on B, on one
 * clock: both run on this machine), oldest first, from its debug log.
 */
function redisLagsOnB(b: Served, id: string): number[] {
  return b
    .output()
    .split('\n')
    .filter((line) => line.includes('invalidation from redis applied') && line.includes(`"id":"${id}"`))
    .map((line) => JSON.parse(line).lag_ms as number)
}

function report(t: ExecutionContext, what: string, elapsedMs: number | undefined): void {
  const line = `${what}: ${elapsedMs === undefined ? 'not seen' : `${elapsedMs.toFixed(1)} ms`}`
  t.log(line)
  console.log(`[scale-out] ${line}`)
}

for (const backend of backends()) {
  const redisTest = redisMissing ? test.skip : test
  if (redisMissing) console.log(`[scale-out] Redis tests skipped: ${redisMissing}`)

  redisTest(`with Redis, every kind of revocation on A (or the CLI) reaches B in under ${REDIS_BOUND_MS} ms [${backend}]`, async (t) => {
    // A poll this slow cannot explain what B sees: Redis told it. Debug logs carry B's measured lag.
    const env = { HEIMDALL_REDIS_URL: TEST_REDIS_URL, HEIMDALL_REVOCATION_POLL_MS: '60000', HEIMDALL_LOG_LEVEL: 'debug' }
    await withTwoInstances(backend, env, async (instances) => {
      const { a, b, served } = instances
      // Redis connects in the background: a server is ready without it, and may say so first.
      const connected = await eventually(async () => (await b.healthDetailed()).body.dependencies.revocations.status === 'connected', 5000)
      t.not(connected, undefined, 'B reports its Redis connection')

      const sidOf = (token: string) => claimsOf(token).sid as string
      const subOf = (token: string) => claimsOf(token).sub as string
      /** Runs a revocation, then checks B drops it within the bound and answers accordingly. */
      async function expectPropagation(what: string, label: string, revoke: (session: { email: string; accessToken: string; refreshToken: string }) => Promise<{ token: string; id: string }>) {
        const session = await liveOnBoth(t, instances, label)
        const seenBefore = { session: redisLagsOnB(served[1], sidOf(session.accessToken)).length, user: redisLagsOnB(served[1], subOf(session.accessToken)).length }
        const { token, id } = await revoke(session)
        const before = id === subOf(session.accessToken) ? seenBefore.user : seenBefore.session
        const arrived = await eventually(async () => redisLagsOnB(served[1], id).length > before, 3000)
        t.not(arrived, undefined, `${what}: B received the invalidation from Redis`)
        const lagMs = redisLagsOnB(served[1], id).at(-1)!
        const seen = await untilInvalidOn(b, token, 2000)
        report(t, `${what} reached B through Redis (${backend})`, lagMs)
        report(t, `${what} seen by a client of B (${backend}, including its own request)`, seen)
        t.true(lagMs < REDIS_BOUND_MS, `${what}: ${lagMs} ms`)
        t.not(seen, undefined, `${what}: B answers is_valid false`)
      }

      await expectPropagation('logout on A', 'logout', async (session) => {
        t.is((await a.logout(session.accessToken)).statusCode, 204)
        return { token: session.accessToken, id: sidOf(session.accessToken) }
      })
      await expectPropagation('logout-all on A', 'all', async (session) => {
        t.is((await a.logoutAll(session.accessToken)).statusCode, 204)
        return { token: session.accessToken, id: subOf(session.accessToken) }
      })
      await expectPropagation('refresh-token reuse on A', 'reuse', async (session) => {
        const rotated = await a.refresh(session.refreshToken)
        t.is(rotated.statusCode, 200)
        for (let i = 0; i < 3; i++) t.true((await b.validate(rotated.body.access_token)).body.is_valid)
        t.is((await a.refresh(session.refreshToken)).statusCode, 401, 'reuse of a spent refresh token')
        return { token: rotated.body.access_token, id: sidOf(session.accessToken) }
      })
      await expectPropagation('session:revoke from the CLI', 'cli', async (session) => {
        t.is((await runCli(['session:revoke', sidOf(session.accessToken)], { env: instances.env })).code, 0)
        return { token: session.accessToken, id: sidOf(session.accessToken) }
      })
      await expectPropagation('user:disable from the CLI', 'disable', async (session) => {
        t.is((await runCli(['user:disable', session.email], { env: instances.env })).code, 0)
        return { token: session.accessToken, id: subOf(session.accessToken) }
      })

      const promoted = await liveOnBoth(t, instances, 'grant')
      t.is((await runCli(['user:grant', promoted.email, 'admin'], { env: instances.env })).code, 0)
      const granted = await eventually(async () => redisLagsOnB(served[1], subOf(promoted.accessToken)).length > 0, 3000)
      t.not(granted, undefined, 'user:grant reached B through Redis')
      const grantLag = redisLagsOnB(served[1], subOf(promoted.accessToken))[0]
      report(t, `user:grant from the CLI reached B through Redis (${backend})`, grantLag)
      t.true(grantLag < REDIS_BOUND_MS)
      t.true((await b.validate(promoted.accessToken)).body.permissions.length > 2, 'B shows the new permissions at once')
    })
  })

  test(`without Redis, a logout on A is seen by B within one database poll [${backend}]`, async (t) => {
    const pollMs = 250
    await withTwoInstances(backend, { HEIMDALL_REVOCATION_POLL_MS: String(pollMs) }, async (instances) => {
      t.deepEqual((await instances.b.healthDetailed()).body.dependencies.revocations, { type: 'database-poll', status: 'connected' })
      const samples: number[] = []
      for (let i = 0; i < 3; i++) {
        const session = await liveOnBoth(t, instances, 'poll')
        t.is((await instances.a.logout(session.accessToken)).statusCode, 204)
        const seen = await untilInvalidOn(instances.b, session.accessToken, 5000)
        report(t, `logout on A seen by B (${backend}, database poll every ${pollMs} ms)`, seen)
        t.not(seen, undefined)
        samples.push(seen!)
      }
      // The documented bound: one poll interval, plus the poll's own query and a loaded machine's timer lag.
      t.true(Math.max(...samples) < 2 * pollMs + 250, `worst ${Math.max(...samples).toFixed(0)} ms`)
    })
  })

  test(`lockout counters and rate limits are shared by two instances [${backend}]`, async (t) => {
    await withTwoInstances(backend, { HEIMDALL_RATE_LIMIT_PER_MINUTE: '8' }, async ({ a, b }) => {
      const email = uniqueEmail('shared-lockout')
      t.is((await a.register(email, TEST_PASSWORD)).statusCode, 200)
      for (let i = 0; i < 5; i++) t.is((await (i % 2 ? a : b).login(email, 'Wrong-Pass-999')).statusCode, 400)
      for (const instance of [a, b]) {
        const locked = await instance.login(email, TEST_PASSWORD)
        t.is(locked.statusCode, 429, 'the right password is refused once 5 failures happened across both instances')
        t.truthy(locked.headers['retry-after'])
      }

      // The budget is per path: one registration is spent, seven remain, counted wherever they arrive.
      const budget = await Promise.all([a.register(uniqueEmail('rate'), TEST_PASSWORD), b.register(uniqueEmail('rate'), TEST_PASSWORD)])
      t.deepEqual(budget.map((response) => response.statusCode), [200, 200])
      const spent: number[] = []
      for (let i = 0; i < 6; i++) spent.push((await (i % 2 ? a : b).register(uniqueEmail('rate'), TEST_PASSWORD)).statusCode)
      t.deepEqual(spent, [200, 200, 200, 200, 200, 429], 'eight registrations per minute from one IP, counted across both instances')
      t.is((await a.register(uniqueEmail('rate'), TEST_PASSWORD)).statusCode, 429)
    })
  })
}

const ownRedisTest = redisMissing ? test.skip : test
ownRedisTest('Redis going down and coming back: instances keep validating, fall back to the poll, reconnect and log it', async (t) => {
  const redis = await startOwnRedis()
  const backend = backends().at(-1)!
  const pollMs = 1000
  try {
    await withTwoInstances(backend, { HEIMDALL_REDIS_URL: redis.url, HEIMDALL_REVOCATION_POLL_MS: String(pollMs), HEIMDALL_LOG_LEVEL: 'debug' }, async (instances) => {
      const { a, b, served } = instances
      const before = await liveOnBoth(t, instances, 'before')

      await redis.stop()
      const noticed = await eventually(async () => served.every((instance) => /redis unavailable/.test(instance.output())), 10000)
      t.not(noticed, undefined, 'both instances log that Redis is gone')
      t.is((await b.healthDetailed()).body.dependencies.revocations.status, 'disconnected')
      t.true((await a.validate(before.accessToken)).body.is_valid, 'A keeps validating')
      t.true((await b.validate(before.accessToken)).body.is_valid, 'B keeps validating')

      const during = await liveOnBoth(t, instances, 'during')
      const started = performance.now()
      t.is((await a.logout(during.accessToken)).statusCode, 204, 'a logout does not fail because Redis is down')
      t.true(performance.now() - started < 1000, 'nor does it wait for Redis')
      const fallback = await untilInvalidOn(b, during.accessToken, 5000)
      report(t, `logout on A seen by B with Redis down (poll every ${pollMs} ms)`, fallback)
      t.true(fallback !== undefined && fallback < 2 * pollMs + 250)

      await redis.start()
      const reconnected = await eventually(async () => served.every((instance) => /redis reconnected/.test(instance.output())), 10000)
      t.not(reconnected, undefined, 'both instances log that they reconnected')
      await eventually(async () => (await b.healthDetailed()).body.dependencies.revocations.status === 'connected', 5000)
      // The subscriber must be subscribed again, not only connected.
      const after = await liveOnBoth(t, instances, 'after')
      t.is((await a.logout(after.accessToken)).statusCode, 204)
      const sid = claimsOf(after.accessToken).sid as string
      const arrived = await eventually(async () => redisLagsOnB(served[1], sid).length > 0, 3000)
      t.not(arrived, undefined, 'the logout reached B through Redis again')
      report(t, 'logout on A reached B through Redis after it came back', redisLagsOnB(served[1], sid)[0])
      t.true(redisLagsOnB(served[1], sid)[0] < REDIS_BOUND_MS)
      t.not(await untilInvalidOn(b, after.accessToken, 2000), undefined)
      for (const instance of served) t.notRegex(instance.output(), /Unhandled|uncaught|TypeError/i)
    })
  } finally {
    await redis.stop()
  }
})
