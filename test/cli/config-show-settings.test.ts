import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import test from 'ava'
import { settingRows } from '../../src/config/load-config.js'
import { snakeCase } from '../../src/cli/format.js'
import { runCli } from '../support/cli.js'
import { TEST_SECRET } from '../support/server.js'

const INTROSPECTION_TOKEN = 'an-introspection-token-of-more-than-32-bytes-0123'

test('config:show lists every row of the settings table, text and --json, secrets and passwords never', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'heimdall-config-show-'))
  try {
    const env = {
      HEIMDALL_DATABASE_URL: `sqlite:${join(dir, 'heimdall.db')}`,
      HEIMDALL_DATABASE_READ_URL: `sqlite:${join(dir, 'heimdall.db')}`,
      HEIMDALL_JWT_SECRET: TEST_SECRET,
      HEIMDALL_SECRET_FILE: join(dir, 'jwt-secret'),
      HEIMDALL_REDIS_URL: 'redis://cache:redis-pw@127.0.0.1:6379',
      HEIMDALL_INTROSPECTION_TOKEN: INTROSPECTION_TOKEN,
      HEIMDALL_LOG_FORMAT: 'json',
      HEIMDALL_REPLICA_MAX_LAG: '2s',
    }
    const json = await runCli(['config:show', '--json'], { env: { ...env, HEIMDALL_DATA_KEYS: '' } })
    t.is(json.code, 0, json.stderr)
    const shown = JSON.parse(json.stdout) as Record<string, string | number>
    const expected = ['database_type', ...settingRows().map(([name]) => snakeCase(name))]
    t.deepEqual(Object.keys(shown).sort(), expected.sort(), 'every setting, and only those (with the database type)')
    t.like(shown, {
      secret_file: join(dir, 'jwt-secret'),
      redis_url: 'redis://cache:***@127.0.0.1:6379',
      database_read_url: `sqlite:${join(dir, 'heimdall.db')}`,
      replica_max_lag_ms: 2000,
      log_format: 'json',
      introspection_token: '(set)',
      jwt_issuer: 'heimdall',
    })
    for (const secret of [TEST_SECRET, INTROSPECTION_TOKEN, 'redis-pw']) t.false(json.stdout.includes(secret), secret)

    const human = await runCli(['config:show'], { env: { ...env, HEIMDALL_INTROSPECTION_TOKEN: '', HEIMDALL_REDIS_URL: '' } })
    t.is(human.code, 0, human.stderr)
    for (const key of expected) t.regex(human.stdout, new RegExp(`^${key} `, 'm'), key)
    t.regex(human.stdout, /^introspection_token +\(not set\)$/m)
    t.regex(human.stdout, /^redis_url +\(not set\)$/m)
    t.regex(human.stdout, /^jwt_issuer +heimdall +\(default\)$/m, 'a value left at its default says so')
    t.regex(human.stdout, /^replica_max_lag_ms +2000$/m)
    t.false(human.stdout.includes(TEST_SECRET))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
