import { serverTest, TEST_PASSWORD, uniqueEmail } from '../../support/server.js'

/** mulberry32: a seeded generator, so a failure can be replayed with the seed it prints. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let value = state
    value = Math.imul(value ^ (value >>> 15), value | 1)
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61)
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296
  }
}

const RECOVERY_POST_PATHS = [
  'auth/password/forgot',
  'auth/password/reset',
  'auth/email/verify',
  'auth/email/verify/resend',
  'auth/email/change',
  'auth/email/change/confirm',
  'account/reset-password',
]
const POST_PATHS = ['auth/register', 'auth/login', 'auth/validate', 'auth/refresh', 'auth/logout', 'auth/logout-all', 'oauth/introspect', ...RECOVERY_POST_PATHS]
const PAGE_PATHS = ['account/reset-password', 'account/reset-password?token=x', 'account/verify-email', 'account/verify-email?token=%00', 'account/verify-email?token=a&token=b', 'account/nope', 'assets/pages.css']
const PATHS = [...POST_PATHS, ...RECOVERY_POST_PATHS, ...PAGE_PATHS, 'auth/register', 'auth/login', 'auth/validate', 'auth/refresh', 'auth/logout', 'auth/logout-all', 'auth/me', 'metrics', 'oauth/introspect', '', 'health', 'health/detailed', 'ready', 'live', 'openapi.json', 'docs', 'redoc', 'auth/%ff', 'auth/../health', 'nope/deeper']
const METHODS = ['GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'] as const
const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-16', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '', 'application/json; charset=binary']
const WEIRD_STRINGS = ['', ' ', '\u0000', '💥'.repeat(300), 'a'.repeat(70000), "' OR 1=1 --", '{"$gt": ""}', '../../etc/passwd', 'eyJhbGciOiJub25lIn0.e30.', 'hrt_' + 'A'.repeat(43), '\ud800', 'ﷺ'.repeat(50), 'user@@example.com', 'A@b.co', 'Secure-Pass-123']

function generator(next: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]
  const text = (): string => (next() < 0.5 ? pick(WEIRD_STRINGS) : Array.from({ length: Math.floor(next() * 40) }, () => String.fromCharCode(Math.floor(next() * 0xffff))).join(''))
  const value = (depth: number): unknown => {
    const kind = Math.floor(next() * (depth > 3 ? 5 : 7))
    if (kind === 0) return null
    if (kind === 1) return next() < 0.5 ? Math.floor(next() * 1e12) - 5e11 : next() * 1e308
    if (kind === 2) return next() < 0.5
    if (kind === 3 || kind === 4) return text()
    if (kind === 5) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1))
    return Object.fromEntries(Array.from({ length: Math.floor(next() * 4) }, () => [pick(['email', 'password', 'token', 'refresh_token', 'new_password', 'new_email', text()]), value(depth + 1)]))
  }
  const body = (): string | undefined => {
    const kind = Math.floor(next() * 6)
    if (kind === 0) return undefined
    if (kind === 1) return JSON.stringify({ email: value(1), password: value(1) })
    if (kind === 2) {
      const roll = next()
      if (roll < 0.3) return JSON.stringify({ token: value(1), refresh_token: value(1) })
      if (roll < 0.5) return JSON.stringify({ token: value(1), new_password: value(1), new_email: value(1), password: value(1) })
      if (roll < 0.75) return new URLSearchParams({ token: text(), new_password: text(), new_password_confirm: text(), csrf_token: text() }).toString()
      return new URLSearchParams({ token: text(), token_type_hint: text() }).toString()
    }
    if (kind === 3) return JSON.stringify(value(0)).slice(0, Math.floor(next() * 200)) // truncated JSON
    if (kind === 4) return JSON.stringify(value(0))
    return text()
  }
  const header = (): string => Array.from({ length: Math.floor(next() * 60) }, () => String.fromCharCode(32 + Math.floor(next() * 95))).join('')
  return {
    request: () => {
      const path = pick(PATHS)
      const usual = POST_PATHS.includes(path) ? 'POST' : 'GET'
      return {
      method: next() < 0.8 ? usual : pick(METHODS),
      path,
      body: body(),
      contentType: pick(CONTENT_TYPES),
      authorization: pick([undefined, `Bearer ${header()}`, header(), 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x', 'Basic Og==']),
      requestId: next() < 0.2 ? header() : undefined,
      }
    },
  }
}

serverTest(
  'fuzz: 2,000 malformed requests across every endpoint (recovery and pages included) produce no 5xx and leave the server healthy',
  async (t, server) => {
    const seed = Date.now() % 100000
    t.log(`seed ${seed}`)
    const fuzz = generator(random(seed))
    await server.client.register(uniqueEmail('fuzz'), TEST_PASSWORD)
    const statuses = new Map<number, number>()
    let sent = 0
    const failures: string[] = []
    while (sent < 2000) {
      const batch = Array.from({ length: 25 }, () => fuzz.request())
      await Promise.all(
        batch.map(async (request) => {
          const headers: Record<string, string> = {}
          if (request.contentType) headers['content-type'] = request.contentType
          if (request.authorization) headers.authorization = request.authorization
          if (request.requestId) headers['x-request-id'] = request.requestId
          const response = await server.client.http(request.path, {
            method: request.method,
            body: request.method === 'GET' || request.method === 'HEAD' ? undefined : request.body,
            headers,
            responseType: 'text',
          })
          sent++
          statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1)
          if (response.statusCode >= 500) failures.push(`${request.method} /${request.path} ${JSON.stringify(request.body)?.slice(0, 200)} -> ${response.statusCode} ${response.body.slice(0, 200)}`)
          else if (/\n\s+at /.test(response.body)) failures.push(`stack trace in ${request.method} /${request.path}`)
        }),
      )
    }
    t.log(`statuses: ${JSON.stringify(Object.fromEntries(statuses))}`)
    t.true(sent >= 2000)
    t.deepEqual(failures, [], `seed ${seed}`)
    const health = await server.client.healthDetailed()
    t.is(health.statusCode, 200)
    t.is(health.body.status, 'healthy')
    const email = uniqueEmail('after')
    t.is((await server.client.register(email, TEST_PASSWORD)).statusCode, 200, 'still serving real users')
    t.true((await server.client.validate((await server.client.loginTokens(email, TEST_PASSWORD)).accessToken)).body.is_valid)
  },
  { env: { HEIMDALL_RATE_LIMIT_PER_MINUTE: '0' } },
)
