import test from 'ava'
import type { Context } from '../../../src/context.js'
import { requestContexts } from '../../../src/http/request-context.js'
import { createLogger, isPretty } from '../../../src/infra/logger.js'
import { backends } from '../../support/db.js'
import { eventually } from '../../support/eventually.js'
import { startTestServer, TEST_PASSWORD, uniqueEmail } from '../../support/server.js'

const parse = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, unknown>)

for (const backend of backends()) {
  test(`every log line of a request carries its request id, which X-Request-Id answers [${backend}]`, async (t) => {
    const logLines: string[] = []
    const server = await startTestServer(backend, { logLines })
    try {
      const email = uniqueEmail('logs')
      await server.client.register(email, TEST_PASSWORD)
      const requestId = 'trace-0123456789'
      const failed = await server.client.http.post('auth/login', { json: { email, password: 'Wrong-Pass-1' }, headers: { 'x-request-id': requestId } })
      t.is(failed.statusCode, 400)
      t.is(failed.headers['x-request-id'], requestId)
      const succeeded = await server.client.login(email, TEST_PASSWORD)
      const generatedId = succeeded.headers['x-request-id'] as string
      t.regex(generatedId, /^[0-9a-f-]{36}$/, 'generated when none (or an unsafe one) is sent')
      const unsafe = await server.client.http.get('health', { headers: { 'x-request-id': 'bad id\twith spaces' } })
      t.not(unsafe.headers['x-request-id'], 'bad id\twith spaces')
      const logged = (id: string) => parse(logLines).some((entry) => entry.req_id === id && entry.msg === 'request')
      t.truthy(await eventually(async () => logged(requestId) && logged(generatedId), 10_000), 'both requests logged')

      const entries = parse(logLines)
      for (const id of [requestId, generatedId]) {
        const ofRequest = entries.filter((entry) => entry.req_id === id)
        // The use case's own line (deep inside bcrypt and database awaits) and the access line.
        t.deepEqual(ofRequest.map((entry) => entry.msg), ['login attempt', 'request'], id)
      }
      t.is(entries.find((entry) => entry.req_id === requestId && entry.msg === 'login attempt')?.outcome, 'invalid_credentials')
      t.is(entries.find((entry) => entry.req_id === generatedId && entry.msg === 'login attempt')?.outcome, 'success')
      // Background work (the revocation poller, the throttle sweeper) serves no request.
      const background = new Set(['revocation poll failed', 'throttle sweep failed'])
      for (const entry of entries.filter((entry) => !background.has(entry.msg as string))) {
        t.is(typeof entry.req_id, 'string', `every line logged while serving carries a request id: ${JSON.stringify(entry).slice(0, 300)}`)
      }
    } finally {
      await server.close()
    }
  })
}

test('a revocation that cannot reach Redis logs its warning with the request id of the logout', async (t) => {
  const logLines: string[] = []
  // Nothing listens on port 1: every publish fails at once.
  const server = await startTestServer('sqlite', { logLines, env: { HEIMDALL_REDIS_URL: 'redis://127.0.0.1:1' } })
  try {
    const { accessToken } = await server.client.registerAndLogin(uniqueEmail('logs-redis'), TEST_PASSWORD)
    const requestId = 'trace-logout-redis'
    const out = await server.client.http.post('auth/logout', { headers: { authorization: `Bearer ${accessToken}`, 'x-request-id': requestId } })
    t.is(out.statusCode, 204, 'the logout does not depend on Redis')
    const warningOf = () => parse(logLines).find((entry) => String(entry.msg).startsWith('could not publish to redis'))
    t.truthy(await eventually(async () => warningOf() !== undefined, 10_000), 'the failed publish is logged')
    const warning = warningOf()
    t.is(warning?.req_id, requestId)
  } finally {
    await server.close()
  }
})

function capture(isTTY: boolean) {
  const lines: string[] = []
  return { lines, destination: { isTTY, write: (line: string) => void lines.push(line) } }
}

test('pretty lines when the destination is a terminal, JSON otherwise', (t) => {
  t.true(isPretty('auto', { isTTY: true }))
  t.false(isPretty('auto', { isTTY: false }))
  t.false(isPretty('auto', {}))
  t.true(isPretty('pretty', {}))
  t.false(isPretty('json', { isTTY: true }))

  const terminal = capture(true)
  createLogger({ level: 'info', destination: terminal.destination }).info({ user_id: 'u-1' }, 'hello terminal')
  t.is(terminal.lines.length, 1, 'written synchronously')
  t.throws(() => JSON.parse(terminal.lines[0]))
  t.regex(terminal.lines[0], /INFO.*hello terminal/)
  t.regex(terminal.lines[0], /user_id: "u-1"/)

  const pipe = capture(false)
  createLogger({ level: 'info', destination: pipe.destination }).info('hello collector')
  t.is(JSON.parse(pipe.lines[0]).msg, 'hello collector')

  const forced = capture(false)
  createLogger({ level: 'info', format: 'pretty', destination: forced.destination }).info('forced')
  t.throws(() => JSON.parse(forced.lines[0]))
})

test('pretty lines are redacted like JSON ones and carry the request id', (t) => {
  const terminal = capture(true)
  const logger = createLogger({ level: 'info', destination: terminal.destination })
  const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl'
  logger.child({ req_id: 'req-42' }).info({ password: 'Hunter-2-secret', nested: { token: 'hrt_abcdef' }, authorization: 'Bearer abc' }, `got ${jwt}`)
  const text = terminal.lines.join('')
  for (const secret of ['Hunter-2-secret', 'hrt_abcdef', jwt, 'Bearer abc']) t.false(text.includes(secret), secret)
  t.true(text.includes('[REDACTED]'))
  t.regex(text, /req_id: "req-42"/)
})

test("a request's context logs with its request id; the application's does not", (t) => {
  const pipe = capture(false)
  const logger = createLogger({ level: 'info', destination: pipe.destination })
  const config = { issuer: 'heimdall' }
  const context = { logger, config } as unknown as Context
  const contextOf = requestContexts(context)
  const first = contextOf({ state: { requestId: 'req-1' } })
  const second = contextOf({ state: { requestId: 'req-2' } })
  context.logger.info('boot')
  first.logger.info('one')
  second.logger.info('two')
  first.logger.info('one again')
  const lines = parse(pipe.lines)
  t.deepEqual(
    lines.map((line) => [line.msg, line.req_id]),
    [['boot', undefined], ['one', 'req-1'], ['two', 'req-2'], ['one again', 'req-1']],
  )
  t.is(pipe.lines[1].match(/req_id/g)?.length, 1, 'no duplicate key')
  t.is(first.config, context.config, 'every other part is the application context itself')
})
