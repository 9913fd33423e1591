import test, { type ExecutionContext } from 'ava'
import { HeimdallAPIClient, type JsonResponse } from '../../support/api-client.js'
import { eventually } from '../../support/eventually.js'
import { privateMariaDbUnavailable, startPrivateMariaDb, type PrivateMariaDb } from '../../support/private-mariadb.js'
import { serve, type Served } from '../../support/serve-process.js'
import { TEST_PASSWORD, TEST_SECRET, uniqueEmail } from '../../support/server.js'

/**
 * MariaDB fails under a running `heimdall serve`: first it dies (SIGKILL: a crash, with logins in
 * flight), stays down a few seconds and comes back on the same data directory and port; then it hangs
 * (SIGSTOP: connections stay open, nothing answers) and resumes. The MariaDB is this file's own, so
 * the shared server other test files use is never touched; one MariaDB and one server for the file.
 */

/** Long enough for the revocation poller (every 250 ms) to fail about ten times. */
const OUTAGE_MS = 2500
const BURST = 10
/** HEIMDALL_DATABASE_TIMEOUT of the server under test: how long it waits for a hung database. */
const DATABASE_TIMEOUT_S = 2
/** A command against a hung database answers within the query deadline, or the connect timeout (5 s) for a new connection. */
const HUNG_ANSWER_WITHIN_MS = 9000

interface LogLine {
  level: number
  msg: string
  [field: string]: unknown
}

let database: PrivateMariaDb | undefined
let served: Served | undefined

const unavailable = privateMariaDbUnavailable()
if (unavailable !== undefined) {
  if (process.env.CI) {
    test('a database outage under a running server', (t) => {
      t.fail(`${unavailable}, and CI requires this test`)
    })
  } else {
    console.log(`[database-outage] skipped: ${unavailable}`)
    test.skip(`a database outage under a running server: skipped, ${unavailable}`, () => {})
  }
} else {
  test.before(async () => {
    database = await startPrivateMariaDb()
    await database.query('CREATE DATABASE heimdall CHARACTER SET utf8mb4')
    served = await serve({
      HEIMDALL_DATABASE_URL: database.url('heimdall'),
      HEIMDALL_JWT_SECRET: TEST_SECRET,
      HEIMDALL_LOG_LEVEL: 'info',
      HEIMDALL_LOG_FORMAT: 'json',
      HEIMDALL_DATABASE_TIMEOUT: `${DATABASE_TIMEOUT_S}s`,
    })
  })

  test.after.always(async () => {
    served?.child.kill('SIGKILL')
    await served?.exited
    await database?.destroy()
  })

  test.serial('a MariaDB crash under a running server: cached validations answer, commands say 503 why, logs stay quiet, it recovers by itself', async (t) => {
    const db = database!
    const server = served!
    const client = new HeimdallAPIClient(server.url)

    const email = uniqueEmail('outage')
    const { accessToken } = await client.registerAndLogin(email, TEST_PASSWORD)
    const { refreshToken } = await client.loginTokens(email, TEST_PASSWORD)
    t.true((await client.validate(accessToken)).body.is_valid, 'validated once: now cached')
    const burstEmails = Array.from({ length: BURST }, () => uniqueEmail('burst'))
    for (const burstEmail of burstEmails) t.is((await client.register(burstEmail, TEST_PASSWORD)).statusCode, 200)

    // Logins in flight (bcrypt queued, inserts to come) when the database dies.
    const burst = burstEmails.map((burstEmail) => client.login(burstEmail, TEST_PASSWORD))
    await Promise.race(burst)
    const outageStartsAt = server.output().length
    const stderrBefore = server.stderr().length
    await db.stop('SIGKILL')
    const burstAnswers = await Promise.all(burst)
    for (const answer of burstAnswers) t.true([200, 503].includes(answer.statusCode), `a login cut by the crash: ${answer.statusCode} ${JSON.stringify(answer.body)}`)
    t.log(`logins in the burst: ${burstAnswers.filter((answer) => answer.statusCode === 200).length} x 200, ${burstAnswers.filter((answer) => answer.statusCode === 503).length} x 503`)

    // While the database is down.
    const validation = await client.validate(accessToken)
    t.is(validation.statusCode, 200)
    t.true(validation.body.is_valid, 'a cached session validates without the database')
    const downSince = performance.now()
    let commands = 0
    while (performance.now() - downSince < OUTAGE_MS) {
      assertUnavailable(t, await client.register(uniqueEmail('down'), TEST_PASSWORD), 'register')
      assertUnavailable(t, await client.login(email, TEST_PASSWORD), 'login')
      assertUnavailable(t, await client.refresh(refreshToken), 'refresh')
      t.true((await client.validate(accessToken)).body.is_valid)
      commands += 3
    }
    t.log(`${commands} commands during the outage, all 503`)
    const ready = await client.ready()
    t.is(ready.statusCode, 503)
    t.is(ready.body.status, 'not_ready')
    const detailed = await client.healthDetailed()
    t.is(detailed.statusCode, 503)
    t.is(detailed.body.dependencies.database.status, 'unhealthy')

    const duringOutage = logLines(t, server.output().slice(outageStartsAt))
    const outageLines = duringOutage.filter((line) => line.msg !== 'request')
    t.is(outageLines.length, 1, `one line when the outage starts, nothing more:\n${outageLines.map((line) => JSON.stringify(line)).join('\n')}`)
    t.is(outageLines[0]?.level, 40)
    t.is(outageLines[0]?.dependency, 'database')
    t.regex(outageLines[0]?.msg ?? '', /database unavailable/)
    t.is(server.stderr().slice(stderrBefore), '', 'nothing bypasses the logger (mysql2, knex)')

    // The database comes back: Heimdall reconnects by itself.
    await db.start()
    const recovered = await eventually(async () => (await client.login(email, TEST_PASSWORD)).statusCode === 200, 20_000, 100)
    t.not(recovered, undefined, 'logins work again without restarting Heimdall')
    t.is((await client.register(uniqueEmail('back'), TEST_PASSWORD)).statusCode, 200)
    t.not(await eventually(async () => (await client.ready()).statusCode === 200, 5000), undefined)
    t.is((await client.healthDetailed()).statusCode, 200)
    t.true((await client.validate(accessToken)).body.is_valid)
    const end = await eventually(async () => logLines(t, server.output().slice(outageStartsAt)).some((line) => line.msg === 'database available again'), 5000)
    t.not(end, undefined, 'one line when the outage ends')
    const afterOutage = logLines(t, server.output().slice(outageStartsAt)).filter((line) => line.msg !== 'request')
    t.deepEqual(
      afterOutage.map((line) => line.msg),
      [outageLines[0]!.msg, 'database available again'],
    )
    t.true(Number(afterOutage[1]!.outage_ms) >= OUTAGE_MS, `the outage's length: ${afterOutage[1]!.outage_ms} ms`)
    t.is(server.stderr().slice(stderrBefore), '')

    // Nothing half-written: every session (all opened by a login here) has its refresh token, and
    // every login answered 200 left its session.
    const orphans = await db.query('SELECT s.id FROM heimdall.sessions s LEFT JOIN heimdall.refresh_tokens r ON r.session_id = s.id WHERE r.id IS NULL')
    t.deepEqual(orphans, [], 'sessions without a refresh token')
    const usersWithoutRole = await db.query('SELECT u.email FROM heimdall.users u LEFT JOIN heimdall.user_roles ur ON ur.user_id = u.id WHERE ur.user_id IS NULL')
    t.deepEqual(usersWithoutRole, [], 'users without their role')
    for (const answer of burstAnswers.filter((login) => login.statusCode === 200)) {
      const [session] = await db.query('SELECT id FROM heimdall.sessions WHERE id = ?', [answer.body.session_id ?? sessionIdOf(answer.body.access_token)])
      t.truthy(session, 'a login answered 200 kept its session')
    }
  })

  test.serial('a MariaDB that hangs (SIGSTOP): commands answer 503 within the database timeout instead of waiting forever, and work again on SIGCONT', async (t) => {
    const db = database!
    const server = served!
    const client = new HeimdallAPIClient(server.url)
    const email = uniqueEmail('hang')
    const { accessToken } = await client.registerAndLogin(email, TEST_PASSWORD)
    t.true((await client.validate(accessToken)).body.is_valid)

    const hangStartsAt = server.output().length
    const stderrBefore = server.stderr().length
    db.pause()
    try {
      const commands: Array<[string, () => Promise<JsonResponse>]> = [
        ['login', () => client.login(email, TEST_PASSWORD)],
        ['register', () => client.register(uniqueEmail('hang'), TEST_PASSWORD)],
      ]
      for (const [what, command] of commands) {
        const started = performance.now()
        const response = await command()
        const tookMs = Math.round(performance.now() - started)
        assertUnavailable(t, response, what)
        t.true(tookMs < HUNG_ANSWER_WITHIN_MS, `${what} answered after ${tookMs} ms`)
        t.log(`${what}: 503 after ${tookMs} ms`)
      }
      t.true((await client.validate(accessToken)).body.is_valid, 'a cached session validates without the database')
      t.is((await client.ready()).statusCode, 503)
    } finally {
      db.resume()
    }

    t.not(await eventually(async () => (await client.login(email, TEST_PASSWORD)).statusCode === 200, 20_000, 100), undefined, 'logins work again')
    t.is((await client.register(uniqueEmail('resumed'), TEST_PASSWORD)).statusCode, 200)
    const ended = await eventually(async () => logLines(t, server.output().slice(hangStartsAt)).some((line) => line.msg === 'database available again'), 5000)
    t.not(ended, undefined)
    const lines = logLines(t, server.output().slice(hangStartsAt)).filter((line) => line.msg !== 'request')
    t.deepEqual(
      lines.map((line) => line.msg),
      ['database unavailable: commands answer 503, cached validations go on', 'database available again'],
    )
    t.is(server.stderr().slice(stderrBefore), '', 'nothing bypasses the logger')
  })
}

function assertUnavailable(t: ExecutionContext, response: JsonResponse, what: string): void {
  t.is(response.statusCode, 503, `${what}: ${JSON.stringify(response.body)}`)
  t.regex(String(response.body.error), /database/i, `${what} says why`)
  t.is(response.body.status_code, 503)
}

/** Every line of the server's output, each of which must be one JSON object. */
function logLines(t: ExecutionContext, output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as LogLine
      } catch {
        t.fail(`not a JSON log line: ${line}`)
        return { level: 0, msg: '' }
      }
    })
}

/** The session id (sid claim) inside an access token. */
function sessionIdOf(accessToken: string): string {
  return JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString('utf8')).sid
}
