import test from 'ava'
import { AggregatorRegistry } from 'prom-client'
import { createRequestMetrics, type RequestMetrics } from '../../../src/infra/metrics/request-metrics.js'
import { sample } from '../../support/prometheus.js'
import { isolatedServerTest, serverTest, TEST_PASSWORD, uniqueEmail } from '../../support/server.js'
import { signWith } from '../../support/jwt.js'

/** The request families as /metrics prints them: through prom-client's renderer, like every other family. */
function render(...workers: RequestMetrics[]): Promise<string> {
  return AggregatorRegistry.aggregate(workers.map((worker) => worker.toJSON()) as unknown as Parameters<typeof AggregatorRegistry.aggregate>[0]).metrics()
}

isolatedServerTest('/metrics answers the Prometheus text format with every family', async (t, server) => {
  const response = await server.client.page('/metrics')
  t.is(response.statusCode, 200)
  t.regex(response.headers['content-type'] ?? '', /^text\/plain; version=0\.0\.4; charset=utf-8$/)
  for (const family of [
    'heimdall_http_requests_total counter',
    'heimdall_http_request_duration_seconds histogram',
    'heimdall_token_validations_total counter',
    'heimdall_logins_total counter',
    'heimdall_session_cache_hit_ratio gauge',
    'heimdall_session_cache_hits_total counter',
    'heimdall_session_cache_misses_total counter',
    'heimdall_active_sessions gauge',
    'heimdall_db_pool_used gauge',
    'heimdall_db_pool_free gauge',
    'heimdall_db_pool_pending_acquires gauge',
    'heimdall_db_pool_max gauge',
    'process_cpu_user_seconds_total counter',
    'nodejs_eventloop_lag_seconds gauge',
    'heimdall_build_info gauge',
  ]) {
    t.true(response.body.includes(`# TYPE ${family}\n`), family)
  }
  for (const outcome of ['valid', 'expired', 'revoked', 'invalid']) t.is(sample(response.body, 'heimdall_token_validations_total', { outcome }), 0, outcome)
  for (const outcome of ['success', 'invalid_credentials', 'locked', 'disabled', 'error']) t.is(sample(response.body, 'heimdall_logins_total', { outcome }), 0, outcome)
  t.is(sample(response.body, 'heimdall_active_sessions'), 0)
  // Test servers set HEIMDALL_DATABASE_POOL_SIZE (test/support/server.ts): the pool holds to it.
  t.is(sample(response.body, 'heimdall_db_pool_max'), server.backend === 'sqlite' ? 1 : Number(server.env.HEIMDALL_DATABASE_POOL_SIZE))
})

serverTest(
  'logins and validations of every outcome move their counters; requests are labelled by route pattern and status',
  async (t, server) => {
    const { client } = server
    const email = uniqueEmail('metrics')
    await client.register(email, TEST_PASSWORD)
    const first = await client.loginTokens(email, TEST_PASSWORD)
    const second = await client.loginTokens(email, TEST_PASSWORD)
    t.is((await client.login(email, 'Wrong-Pass-1')).statusCode, 400)
    t.is((await client.login(email, 'Wrong-Pass-1')).statusCode, 400)
    t.is((await client.login(email, 'Wrong-Pass-1')).statusCode, 429, 'locked after 2 failures')

    t.true((await client.validate(first.accessToken)).body.is_valid)
    t.true((await client.validate(first.accessToken)).body.is_valid)
    t.is((await client.me(first.accessToken)).statusCode, 200)
    t.is((await client.logout(second.accessToken)).statusCode, 204)
    t.is((await client.validate(second.accessToken)).body.error, 'Session has been revoked')
    const expired = signWith(first.accessToken, { iat: Math.floor(Date.now() / 1000) - 120, exp: Math.floor(Date.now() / 1000) - 60 })
    t.false((await client.validate(expired)).body.is_valid)
    t.false((await client.validate('not-a-token')).body.is_valid)
    t.false((await client.validate(first.refreshToken)).body.is_valid)
    await client.http.get('no/such/path/42')
    await client.http.get('no/such/path/43')

    const text = (await client.page('/metrics')).body
    t.is(sample(text, 'heimdall_logins_total', { outcome: 'success' }), 2)
    t.is(sample(text, 'heimdall_logins_total', { outcome: 'invalid_credentials' }), 2)
    t.is(sample(text, 'heimdall_logins_total', { outcome: 'locked' }), 1)
    t.is(sample(text, 'heimdall_token_validations_total', { outcome: 'valid' }), 4, 'two /auth/validate, one /auth/me, the logout checking its token')
    t.is(sample(text, 'heimdall_token_validations_total', { outcome: 'revoked' }), 1)
    t.is(sample(text, 'heimdall_token_validations_total', { outcome: 'expired' }), 1)
    t.is(sample(text, 'heimdall_token_validations_total', { outcome: 'invalid' }), 2)

    const requests = (route: string, method: string, status: number) => sample(text, 'heimdall_http_requests_total', { method, route, status: String(status) })
    t.is(requests('/auth/login', 'POST', 200), 2)
    t.is(requests('/auth/login', 'POST', 400), 2)
    t.is(requests('/auth/login', 'POST', 429), 1)
    t.is(requests('/auth/validate', 'POST', 200), 6)
    t.is(requests('/auth/logout', 'POST', 204), 1)
    t.is(requests('unmatched', 'GET', 404), 2, 'unknown paths share one series')
    t.false(text.includes('no/such/path'), 'raw paths never become labels')
    t.is(sample(text, 'heimdall_http_request_duration_seconds_count', { method: 'POST', route: '/auth/validate', status: '200' }), 6)
    t.is(sample(text, 'heimdall_http_request_duration_seconds_bucket', { method: 'POST', route: '/auth/validate', status: '200', le: '+Inf' }), 6)

    t.is(sample(text, 'heimdall_active_sessions'), 1, 'one session left after the logout')
    const hits = sample(text, 'heimdall_session_cache_hits_total')!
    const misses = sample(text, 'heimdall_session_cache_misses_total')!
    t.true(hits >= 2 && misses >= 1, `hits ${hits}, misses ${misses}`)
    t.is(sample(text, 'heimdall_session_cache_hit_ratio'), hits / (hits + misses))
    t.true(sample(text, 'heimdall_db_pool_used')! >= 0)
    t.true(sample(text, 'heimdall_db_pool_free')! >= 0)

    const health = await client.healthDetailed()
    t.is(health.statusCode, 200, '/health/detailed keeps working')
    t.true(health.body.metrics.total_requests >= 17)
    t.is(health.body.metrics.cache_hit_rate, hits / (hits + misses))
  },
  { env: { HEIMDALL_LOCKOUT_MAX_FAILURES: '2', HEIMDALL_RATE_LIMIT_PER_MINUTE: '0' } },
)

isolatedServerTest('two servers in one process keep separate registries', async (t, server) => {
  await server.client.validate('garbage')
  const { startTestServer } = await import('../../support/server.js')
  const other = await startTestServer(server.backend)
  try {
    t.is(sample((await other.client.page('/metrics')).body, 'heimdall_token_validations_total', { outcome: 'invalid' }), 0)
    t.is(sample((await server.client.page('/metrics')).body, 'heimdall_token_validations_total', { outcome: 'invalid' }), 1)
  } finally {
    await other.close()
  }
})

test('requests render as a counter and a cumulative histogram in the Prometheus text format', async (t) => {
  const metrics = createRequestMetrics([0.001, 0.01])
  for (const seconds of [0.0005, 0.001, 0.005, 2]) metrics.observe('POST', '/auth/validate', 200, seconds)
  metrics.observe('GET', 'odd"route\\', 404, 0.02)
  const lines = (await render(metrics)).split('\n')
  const validate = 'method="POST",route="/auth/validate",status="200"'
  for (const expected of [
    '# TYPE heimdall_http_requests_total counter',
    `heimdall_http_requests_total{${validate}} 4`,
    '# TYPE heimdall_http_request_duration_seconds histogram',
    // A value equal to a bound belongs to that bound's bucket (le is "less than or equal").
    `heimdall_http_request_duration_seconds_bucket{${validate},le="0.001"} 2`,
    `heimdall_http_request_duration_seconds_bucket{${validate},le="0.01"} 3`,
    `heimdall_http_request_duration_seconds_bucket{${validate},le="+Inf"} 4`,
    `heimdall_http_request_duration_seconds_sum{${validate}} 2.0065`,
    `heimdall_http_request_duration_seconds_count{${validate}} 4`,
    'heimdall_http_requests_total{method="GET",route="odd\\"route\\\\",status="404"} 1',
    'heimdall_http_request_duration_seconds_bucket{method="GET",route="odd\\"route\\\\",status="404",le="0.01"} 0',
  ]) {
    t.true(lines.includes(expected), expected)
  }
  t.is(lines.at(-1), '', 'ends with a line feed')
})

test("two workers' requests add up, bucket by bucket", async (t) => {
  const [one, two] = [createRequestMetrics([0.01]), createRequestMetrics([0.01])]
  one.observe('POST', '/auth/validate', 200, 0.001)
  two.observe('POST', '/auth/validate', 200, 0.001)
  two.observe('POST', '/auth/validate', 200, 0.5)
  two.observe('POST', '/auth/login', 400, 0.2)
  const text = await render(one, two)
  const validate = { method: 'POST', route: '/auth/validate', status: '200' }
  t.is(sample(text, 'heimdall_http_requests_total', validate), 3)
  t.is(sample(text, 'heimdall_http_request_duration_seconds_bucket', { ...validate, le: '0.01' }), 2)
  t.is(sample(text, 'heimdall_http_request_duration_seconds_count', validate), 3)
  t.is(sample(text, 'heimdall_http_requests_total', { method: 'POST', route: '/auth/login', status: '400' }), 1)
})

test('before any request the request families are declared with no samples', async (t) => {
  const text = await render(createRequestMetrics([0.1]))
  t.true(text.includes('# TYPE heimdall_http_requests_total counter\n'))
  t.false(/^heimdall_/m.test(text))
})
