import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import test from 'ava'
import { runCli as runCliOnce, type CliResult } from '../support/cli.js'
import { serve } from '../support/serve-process.js'
import { eventually } from '../support/eventually.js'
import { backends, createTestDatabase } from '../support/db.js'
import { serverTest, TEST_SECRET } from '../support/server.js'

/** Generous: these tests start many processes, on machines that may be busy. */
function runCli(args: string[], options: { env?: Record<string, string> } = {}): Promise<CliResult> {
  return runCliOnce(args, { ...options, timeoutMs: 120_000 })
}

interface Check {
  name: string
  status: 'ok' | 'fail' | 'skip' | 'warn'
  detail: string
  fix?: string
}

/** The environment of a CLI run against a database of its own, with nothing else inherited from HEIMDALL_* variables. */
function envFor(url: string, dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    HEIMDALL_DATABASE_URL: url,
    HEIMDALL_SECRET_FILE: join(dir, 'jwt-secret'),
    // Named, as MySQL deployments must (doctor fails without it there); SQLite would find it beside the secret anyway.
    HEIMDALL_DATA_KEY_FILE: join(dir, 'data-keys'),
    HEIMDALL_DATA_KEYS: '',
    HEIMDALL_BCRYPT_COST: '10',
    HEIMDALL_JWT_SECRET: '',
    ...extra,
  }
}

function byName(checks: Check[]): Record<string, Check> {
  return Object.fromEntries(checks.map((check) => [check.name, check]))
}

serverTest('config:show prints the effective configuration and never the secret', async (t, server) => {
  const human = await runCli(['config:show'], { env: { ...server.env, HEIMDALL_ACCESS_TOKEN_TTL: '5m' } })
  t.is(human.code, 0, human.stderr)
  t.false(human.stdout.includes(TEST_SECRET))
  t.regex(human.stdout, new RegExp(`jwt_secret +\\(set, ${Buffer.byteLength(TEST_SECRET)} bytes, from HEIMDALL_JWT_SECRET\\)`))
  t.regex(human.stdout, /access_token_ttl_seconds +300/)
  t.regex(human.stdout, /^data_keys +\((not set: one will be generated|1 key\(s\) from )/m, 'the data keys by where they are, never their material')
  t.regex(human.stdout, /bcrypt_cost +10/)

  const json = await runCli(['config:show', '--json', '--database-url', 'mysql://heimdall:hunter2-pw@db.internal:3306/auth'], { env: server.env })
  t.is(json.code, 0, json.stderr)
  t.false(json.stdout.includes(TEST_SECRET))
  t.false(json.stdout.includes('hunter2-pw'), 'the database password is redacted')
  const config = JSON.parse(json.stdout)
  t.like(config, { database_url: 'mysql://heimdall:***@db.internal:3306/auth', database_type: 'mysql', access_token_ttl_seconds: 900, port: 8000 })
})

test('config:show describes a generated secret by where it is stored, and refuses an invalid setting', async (t) => {
  const database = await createTestDatabase('sqlite')
  try {
    const secret = 'a-generated-secret-of-more-than-thirty-two-bytes-0123'
    writeFileSync(join(database.dir, 'jwt-secret'), `${secret}\n`)
    const env = envFor(database.url, database.dir)
    const shown = await runCli(['config:show'], { env })
    t.is(shown.code, 0, shown.stderr)
    t.false(shown.stdout.includes(secret))
    t.true(shown.stdout.includes(`(generated, stored in ${join(database.dir, 'jwt-secret')}`))

    const invalid = await runCli(['config:show'], { env: { ...env, HEIMDALL_BCRYPT_COST: '4' } })
    t.is(invalid.code, 78)
    t.regex(invalid.stderr, /HEIMDALL_BCRYPT_COST must be between 10 and 31/)
  } finally {
    await database.drop()
  }
})

serverTest('doctor passes on a migrated database: one line per check, JSON array, exit 0', async (t, server) => {
  const human = await runCli(['doctor'], { env: server.env })
  t.is(human.code, 0, human.stdout + human.stderr)
  const lines = human.stdout.trim().split('\n')
  t.deepEqual(lines.map((line) => line.split(/\s+/)[1]), ['database', 'migrations', 'jwt_secret', 'data_key', 'bcrypt_cost', 'clock', 'public_url'])
  t.regex(lines[1], /^ok +migrations +\d+ applied, none pending/)
  t.false(human.stdout.includes(TEST_SECRET))

  const json = await runCli(['doctor', '--json'], { env: server.env })
  t.is(json.code, 0)
  const checks = byName(JSON.parse(json.stdout))
  t.like(checks, { database: { status: 'ok' }, migrations: { status: 'ok' }, jwt_secret: { status: 'ok' }, data_key: { status: 'ok' }, bcrypt_cost: { status: 'ok', detail: '10' } })
  // SQLite shares this host's clock; MySQL is asked for its own.
  t.is(checks.clock.status, server.backend === 'sqlite' ? 'skip' : 'ok', checks.clock.detail)
})

for (const backend of backends()) {
  test(`doctor fails on an unmigrated database and says to migrate [${backend}]`, async (t) => {
    const database = await createTestDatabase(backend)
    try {
      const env = envFor(database.url, database.dir, { HEIMDALL_JWT_SECRET: TEST_SECRET })
      // An empty SQLite file: reachable, but without a schema.
      if (backend === 'sqlite') writeFileSync(database.url.slice('sqlite:'.length), '')
      const human = await runCli(['doctor'], { env })
      t.is(human.code, 1, human.stdout + human.stderr)
      t.regex(human.stdout, /^ok +database/m)
      t.regex(human.stdout, /^FAIL +migrations +\d+ pending: 20261125000000_initial_schema/m)
      t.regex(human.stdout, /fix: run "heimdall migrate"/)

      const checks = byName(JSON.parse((await runCli(['doctor', '--json'], { env })).stdout))
      t.like(checks.migrations, { status: 'fail', fix: 'run "heimdall migrate"' })
      const status = await runCli(['migrate:status', '--json'], { env })
      t.deepEqual(JSON.parse(status.stdout).applied, [], 'doctor wrote nothing')

      t.is((await runCli(['migrate'], { env })).code, 0)
      t.is((await runCli(['doctor'], { env })).code, 0)
    } finally {
      await database.drop()
    }
  })
}

test('doctor fails on a missing SQLite file and on an unreachable MySQL, skipping what needs the database', async (t) => {
  const database = await createTestDatabase('sqlite')
  try {
    const missing = await runCli(['doctor', '--json'], { env: envFor(database.url, database.dir) })
    t.is(missing.code, 1)
    const checks = byName(JSON.parse(missing.stdout))
    t.like(checks, { database: { status: 'fail' }, migrations: { status: 'skip' }, clock: { status: 'skip' }, bcrypt_cost: { status: 'ok' } })
    t.regex(checks.database.detail, /does not exist/)

    const unreachable = await runCli(['doctor', '--database-url', 'mysql://nobody@127.0.0.1:1/heimdall'], { env: envFor(database.url, database.dir, { HEIMDALL_JWT_SECRET: TEST_SECRET }) })
    t.is(unreachable.code, 1)
    t.regex(unreachable.stdout, /^FAIL +database +Database unavailable \(ECONNREFUSED\)/m)
    t.regex(unreachable.stdout, /fix: check --database-url/)
  } finally {
    await database.drop()
  }
})

test('doctor fails on a weak secret file, a missing MySQL secret and an invalid setting', async (t) => {
  const database = await createTestDatabase('sqlite')
  try {
    writeFileSync(join(database.dir, 'jwt-secret'), 'too-short\n')
    const weak = await runCli(['doctor', '--json'], { env: envFor(database.url, database.dir) })
    t.is(weak.code, 1)
    const secret = byName(JSON.parse(weak.stdout)).jwt_secret
    t.is(secret.status, 'fail')
    t.regex(secret.detail, /9 bytes .*at least 32/)
    t.false(weak.stdout.includes('too-short'), 'the secret itself is never shown')

    const mysqlWithoutSecret = await runCli(['doctor', '--json', '--database-url', 'mysql://nobody@127.0.0.1:1/heimdall'], { env: envFor(database.url, database.dir) })
    t.like(byName(JSON.parse(mysqlWithoutSecret.stdout)).jwt_secret, { status: 'fail' })

    const shortEnv = await runCli(['doctor'], { env: envFor(database.url, database.dir, { HEIMDALL_JWT_SECRET: 'short' }) })
    t.is(shortEnv.code, 1)
    t.regex(shortEnv.stdout, /^FAIL +config +HEIMDALL_JWT_SECRET is too short: 5 bytes/m)
  } finally {
    await database.drop()
  }
})

test('doctor and serve warn when the public URL cannot carry passkeys (an IP address, plain http elsewhere than localhost); the default is http://localhost:PORT', async (t) => {
  const database = await createTestDatabase('sqlite')
  try {
    const env = envFor(database.url, database.dir, { HEIMDALL_JWT_SECRET: TEST_SECRET })
    t.is((await runCli(['migrate'], { env })).code, 0)
    const fine = byName(JSON.parse((await runCli(['doctor', '--json'], { env: { ...env, HEIMDALL_PORT: '8123' } })).stdout))
    t.like(fine.public_url, { status: 'ok', detail: 'http://localhost:8123: mailed links point here, passkeys work' })

    for (const [publicUrl, why] of [['http://127.0.0.1:8000', /names an IP address/], ['https://[::1]:8443', /names an IP address/], ['http://auth.example.com', /plain http/]] as const) {
      const human = await runCli(['doctor'], { env: { ...env, HEIMDALL_PUBLIC_URL: publicUrl } })
      t.is(human.code, 0, 'a warning is not a failure')
      t.regex(human.stdout, /^warn +public_url +passkeys will fail: /m)
      t.regex(human.stdout, why)
      t.regex(human.stdout, /fix: set HEIMDALL_PUBLIC_URL/)
    }

    const served = await serve({ ...env, HEIMDALL_PUBLIC_URL: 'http://127.0.0.1:8000' })
    try {
      // The warning goes to stderr, "Ready" to stdout: two pipes, so under load the test can read
      // "Ready" before the warning written just before it has arrived.
      await eventually(async () => /Passkeys will fail/.test(served.stderr()), 10_000)
      t.regex(served.stderr(), /Passkeys will fail: http:\/\/127\.0\.0\.1:8000 names an IP address/)
    } finally {
      served.child.kill('SIGTERM')
      await served.exited
    }
  } finally {
    await database.drop()
  }
})

test('config:show and doctor have --help with examples', async (t) => {
  for (const command of ['config:show', 'doctor']) {
    const help = await runCli([command, '--help'])
    t.is(help.code, 0, command)
    t.regex(help.stdout, /EXAMPLES/, command)
    t.regex(help.stdout, /--database-url/, command)
  }
})

