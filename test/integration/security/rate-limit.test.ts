import { serverTest, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'

serverTest(
  'command endpoints are limited per IP per endpoint with 429 and Retry-After',
  async (t, server) => {
    for (let i = 0; i < 5; i++) t.is((await server.client.register(uniqueEmail('rl'), TEST_PASSWORD)).statusCode, 200)
    const limited = await server.client.register(uniqueEmail('rl'), TEST_PASSWORD)
    t.is(limited.statusCode, 429)
    const retryAfter = Number(limited.headers['retry-after'])
    t.true(retryAfter >= 1 && retryAfter <= 60)
    t.regex(limited.body.error, /Too many requests/)

    // Each endpoint has its own budget: login and refresh are still open.
    t.not((await server.client.login(uniqueEmail('other'), TEST_PASSWORD)).statusCode, 429)
    t.not((await server.client.refresh('hrt_nothing')).statusCode, 429)
  },
  { env: { HEIMDALL_RATE_LIMIT_PER_MINUTE: '5' } },
)

serverTest(
  'validation and /auth/me are never rate limited',
  async (t, server) => {
    const { accessToken } = await server.client.registerAndLogin(uniqueEmail('hot'), TEST_PASSWORD)
    for (let i = 0; i < 20; i++) {
      t.true((await server.client.validate(accessToken)).body.is_valid)
      t.is((await server.client.me(accessToken)).statusCode, 200)
    }
  },
  { env: { HEIMDALL_RATE_LIMIT_PER_MINUTE: '2' } },
)

serverTest(
  'a limit of 0 disables rate limiting',
  async (t, server) => {
    const results = await Promise.all(Array.from({ length: 30 }, () => server.client.refresh('hrt_unknown')))
    t.deepEqual([...new Set(results.map((result) => result.statusCode))], [401])
  },
  { env: { HEIMDALL_RATE_LIMIT_PER_MINUTE: '0' } },
)

const refreshFrom = (server: TestServer, forwardedFor: string) =>
  server.client.http.post('auth/refresh', { json: { refresh_token: 'hrt_unknown' }, headers: { 'x-forwarded-for': forwardedFor } })

serverTest(
  'behind one trusted proxy the client is the last X-Forwarded-For entry: limits and the audit follow it, not what the client wrote',
  async (t, server) => {
    // The client writes the first entry; the proxy appends the address it saw.
    for (let i = 0; i < 2; i++) t.is((await refreshFrom(server, `10.0.0.${i}, 203.0.113.5`)).statusCode, 401)
    t.is((await refreshFrom(server, 'anything-at-all, 203.0.113.5')).statusCode, 429, "203.0.113.5's budget is spent, whatever it puts in front")
    t.is((await refreshFrom(server, '203.0.113.6')).statusCode, 401, 'another client has its own budget')
    t.is((await refreshFrom(server, 'not-an-ip')).statusCode, 401, 'an entry that is no address falls back to the socket address')

    const email = uniqueEmail('proxied')
    await server.client.register(email, TEST_PASSWORD)
    await server.client.http.post('auth/login', { json: { email, password: TEST_PASSWORD }, headers: { 'x-forwarded-for': '198.51.100.7' } })
    const [succeeded] = await server.context.audit.findAuditEvents({ type: 'login.succeeded', limit: 1 })
    t.is(JSON.parse(succeeded.detail ?? '{}').ip, '198.51.100.7')
  },
  { env: { HEIMDALL_RATE_LIMIT_PER_MINUTE: '2', HEIMDALL_TRUSTED_PROXIES: '1' } },
)

serverTest(
  'without trusted proxies X-Forwarded-For is ignored: a client cannot buy a new budget with it',
  async (t, server) => {
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await refreshFrom(server, `203.0.113.${i}`)).statusCode)
    t.deepEqual(statuses, [401, 401, 429])
  },
  { env: { HEIMDALL_RATE_LIMIT_PER_MINUTE: '2' } },
)

serverTest(
  'the forgot-password page spends the budget of POST /auth/password/forgot, not one of its own',
  async (t, server) => {
    const page = await fetch(`${server.url}/account/forgot-password`)
    const cookie = page.headers.getSetCookie()[0].split(';')[0]
    const csrfToken = /name="csrf_token" value="([^"]+)"/.exec(await page.text())![1]
    const postPage = () =>
      fetch(`${server.url}/account/forgot-password`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ csrf_token: csrfToken, email: uniqueEmail('forgot-budget') }),
      })
    for (let i = 0; i < 2; i++) t.is((await server.client.post('auth/password/forgot', { email: uniqueEmail('forgot-budget') })).statusCode, 202)
    t.is((await postPage()).status, 200)
    const limited = await postPage()
    t.is(limited.status, 429)
    t.regex(limited.headers.get('content-type') ?? '', /^text\/html/, 'a page, not JSON')
    t.is((await server.client.post('auth/password/forgot', { email: uniqueEmail('forgot-budget') })).statusCode, 429)
  },
  { env: { HEIMDALL_RATE_LIMIT_PER_MINUTE: '3' } },
)
