import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import test from 'ava'
import type { Knex } from 'knex'
import { runCli, type CliResult } from '../support/cli.js'
import { signWith } from '../support/jwt.js'
import { isolatedServerTest, serverTest, TEST_PASSWORD, TEST_SECRET, uniqueEmail, type TestServer } from '../support/server.js'

/** Far beyond any lifetime, and beyond what a BIGINT of milliseconds holds. */
const ABSURD = '100000000000000000000'

function cli(server: TestServer, args: string[]): Promise<CliResult> {
  return runCli(args, { env: server.env, timeoutMs: 120_000 })
}

const DURATION_SETTINGS = ['HEIMDALL_ACCESS_TOKEN_TTL', 'HEIMDALL_REFRESH_TOKEN_TTL', 'HEIMDALL_SESSION_CACHE_TTL', 'HEIMDALL_LOCKOUT_WINDOW', 'HEIMDALL_REPLICA_MAX_LAG']

test('every duration setting has an upper bound: config:show and serve refuse an absurd one (exit 78), doctor fails it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'heimdall-durations-'))
  try {
    const base = { HEIMDALL_DATABASE_URL: `sqlite:${join(dir, 'heimdall.db')}`, HEIMDALL_JWT_SECRET: TEST_SECRET, HEIMDALL_SECRET_FILE: join(dir, 'jwt-secret') }
    for (const name of DURATION_SETTINGS) {
      const shown = await runCli(['config:show'], { env: { ...base, [name]: ABSURD } })
      t.is(shown.code, 78, `${name}: ${shown.stdout}${shown.stderr}`)
      t.regex(shown.stderr, new RegExp(`${name} must be between`), name)
    }
    t.is((await runCli(['config:show'], { env: { ...base, HEIMDALL_ACCESS_TOKEN_TTL: '25h' } })).code, 78, 'an access token lives a day at most')
    t.is((await runCli(['config:show'], { env: { ...base, HEIMDALL_REFRESH_TOKEN_TTL: '400d' } })).code, 78, 'a session a year at most')
    t.is((await runCli(['config:show'], { env: { ...base, HEIMDALL_ACCESS_TOKEN_TTL: '24h', HEIMDALL_REFRESH_TOKEN_TTL: '366d' } })).code, 0, 'the bounds themselves are fine')

    const doctor = await runCli(['doctor', '--json'], { env: { ...base, HEIMDALL_REFRESH_TOKEN_TTL: ABSURD } })
    t.is(doctor.code, 1)
    t.regex(JSON.parse(doctor.stdout).find((check: { name: string }) => check.name === 'config').detail, /HEIMDALL_REFRESH_TOKEN_TTL must be between/)

    const served = await runCli(['serve', '--port', '0'], { env: { ...base, HEIMDALL_ACCESS_TOKEN_TTL: ABSURD }, timeoutMs: 60_000 })
    t.is(served.code, 78, served.stdout + served.stderr)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

serverTest('token:issue and audit:list refuse an out-of-range duration flag as bad input (exit 65), and leave no session', async (t, server) => {
  const email = uniqueEmail('ttl')
  await server.client.register(email, TEST_PASSWORD)
  for (const ttl of [ABSURD, '367d', 'forever', '0']) {
    const refused = await cli(server, ['token:issue', email, '--ttl', ttl])
    t.is(refused.code, 65, `--ttl ${ttl}: ${refused.stdout}${refused.stderr}`)
    t.regex(refused.stderr, /--ttl must be/)
    t.false(/insert into|select /i.test(refused.stderr), 'no SQL is printed')
  }
  const user = await server.context.db('users').where({ email }).first('id')
  t.is(Number((await server.context.db('sessions').where({ user_id: user.id }).count({ count: '*' }).first())!.count), 0)
  t.is((await cli(server, ['token:issue', email, '--ttl', '366d'])).code, 0, 'a year is fine')

  const since = await cli(server, ['audit:list', '--since', ABSURD])
  t.is(since.code, 65, since.stderr)
})

serverTest('nothing that reads a stored time crashes on an absurd one: session:list, token:inspect, token:verify, user:show', async (t, server) => {
  const email = uniqueEmail('absurd-time')
  await server.client.register(email, TEST_PASSWORD)
  const login = await server.client.login(email, TEST_PASSWORD)
  const user = await server.context.db('users').where({ email }).first('id')
  // As a lifetime set before lifetimes were bounded left it: near the top of a BIGINT, far past any Date.
  await server.context.db('sessions').where({ user_id: user.id }).update({ expires_at: '9000000000000000000' })

  const sessions = await cli(server, ['session:list', email, '--json'])
  t.is(sessions.code, 0, sessions.stderr)
  t.is(JSON.parse(sessions.stdout)[0].expires_at, null)
  t.is(JSON.parse(sessions.stdout)[0].state, 'active')
  t.is((await cli(server, ['session:list', email])).code, 0)

  const forged = signWith(login.body.access_token, { exp: 1e17 })
  const inspected = await cli(server, ['token:inspect', forged, '--json'])
  t.is(inspected.code, 0, inspected.stderr)
  t.is(JSON.parse(inspected.stdout).expiresAt, null)
  t.is((await cli(server, ['token:inspect', forged])).code, 0)
  const verified = await cli(server, ['token:verify', forged, '--json'])
  t.is(verified.code, 0, verified.stderr)
  t.is((await cli(server, ['user:show', email])).code, 0)
  t.is((await server.client.validate(forged)).statusCode, 200)
})

// It makes the database refuse every new session: a server of its own.
isolatedServerTest('a database error never prints its SQL: not on the terminal, not in the logs', async (t, server) => {
  const email = uniqueEmail('sql')
  await server.client.register(email, TEST_PASSWORD)
  // A trigger stands in for any statement the database refuses (a value out of range, a constraint).
  if (server.backend === 'mysql') {
    await server.context.db.raw("CREATE TRIGGER refuse_sessions BEFORE INSERT ON sessions FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'")
  } else if (server.backend === 'postgres') {
    await refuseSessionsOnPostgres(server.context.db)
  } else {
    await server.context.db.raw("CREATE TRIGGER refuse_sessions BEFORE INSERT ON sessions BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")
  }
  const issued = await cli(server, ['token:issue', email])
  t.is(issued.code, 70, issued.stdout + issued.stderr)
  t.regex(issued.stderr, /refused by the test/)
  t.false(/insert into/i.test(issued.stdout + issued.stderr), issued.stderr)

  const json = await cli(server, ['token:issue', email, '--json'])
  t.is(JSON.parse(json.stdout).error.code, 'internal')
  t.false(/insert into/i.test(json.stdout + json.stderr))

  const login = await server.client.login(email, TEST_PASSWORD)
  t.is(login.statusCode, 500)
  t.false(/insert into/i.test(JSON.stringify(login.body)))
})

/** The server's log lines of the next test (both backends write here; each test looks for its own error). */
const logLines: string[] = []

// It makes the database refuse every new session: a server of its own.
isolatedServerTest(
  'the server logs a database error without its SQL',
  async (t, server) => {
    const email = uniqueEmail('sql-log')
    await server.client.register(email, TEST_PASSWORD)
    if (server.backend === 'mysql') {
      await server.context.db.raw("CREATE TRIGGER refuse_sessions BEFORE INSERT ON sessions FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'")
    } else if (server.backend === 'postgres') {
      await refuseSessionsOnPostgres(server.context.db)
    } else {
      await server.context.db.raw("CREATE TRIGGER refuse_sessions BEFORE INSERT ON sessions BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")
    }
    t.is((await server.client.login(email, TEST_PASSWORD)).statusCode, 500)
    const logged = logLines.join('')
    t.regex(logged, /refused by the test/)
    t.false(/insert into/i.test(logged), 'the statement and its values stay out of the log')
  },
  { logLines },
)

test('a setting that becomes a timer is refused past 2^31-1 ms (exit 78), before any timer overflows', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'heimdall-timers-'))
  try {
    const base = { HEIMDALL_DATABASE_URL: `sqlite:${join(dir, 'heimdall.db')}`, HEIMDALL_JWT_SECRET: TEST_SECRET, HEIMDALL_SECRET_FILE: join(dir, 'jwt-secret') }
    for (const value of ['3000000000', '2147483648', ABSURD]) {
      const served = await runCli(['serve', '--port', '0'], { env: { ...base, HEIMDALL_REVOCATION_POLL_MS: value }, timeoutMs: 60_000 })
      t.is(served.code, 78, `${value}: ${served.stdout}${served.stderr}`)
      t.regex(served.stderr, /HEIMDALL_REVOCATION_POLL_MS must be between 10 and 2147483647/)
      t.false(served.stderr.includes('TimeoutOverflowWarning'))
    }
    t.is((await runCli(['config:show'], { env: { ...base, HEIMDALL_REVOCATION_POLL_MS: '2147483647' } })).code, 0, 'the longest timer is fine')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('the HTTP timeouts are settings in seconds, within their range, headers within the request', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'heimdall-http-timeouts-'))
  try {
    const base = { HEIMDALL_DATABASE_URL: `sqlite:${join(dir, 'heimdall.db')}`, HEIMDALL_JWT_SECRET: TEST_SECRET, HEIMDALL_SECRET_FILE: join(dir, 'jwt-secret') }
    const shown = await runCli(['config:show', '--json'], { env: { ...base, HEIMDALL_HEADERS_TIMEOUT: '5s', HEIMDALL_REQUEST_TIMEOUT: '1m' } })
    t.is(shown.code, 0, shown.stderr)
    t.like(JSON.parse(shown.stdout), { headers_timeout_seconds: 5, request_timeout_seconds: 60 })
    const refusals: Array<Record<string, string>> = [{ HEIMDALL_HEADERS_TIMEOUT: ABSURD }, { HEIMDALL_REQUEST_TIMEOUT: '2h' }, { HEIMDALL_HEADERS_TIMEOUT: '0' }, { HEIMDALL_HEADERS_TIMEOUT: '40s' }]
    for (const env of refusals) {
      const refused = await runCli(['config:show'], { env: { ...base, ...env } })
      t.is(refused.code, 78, JSON.stringify(env))
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

/** PostgreSQL's triggers run a function: one that refuses every insert, as the other databases' triggers do. */
async function refuseSessionsOnPostgres(db: Knex): Promise<void> {
  await db.raw("CREATE FUNCTION refuse_sessions() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$")
  await db.raw('CREATE TRIGGER refuse_sessions BEFORE INSERT ON sessions FOR EACH ROW EXECUTE FUNCTION refuse_sessions()')
}
