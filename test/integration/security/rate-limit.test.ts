import { serverTest, TEST_PASSWORD, uniqueEmail } from '../../aux/server.js'

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
