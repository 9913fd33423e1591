import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import test from 'ava'
import { loadConfig } from '../../src/config.js'
import { defaultOf, settingRows } from '../../src/config/load-config.js'
import { CONFIGURATION_DOC, withSettingsTable } from '../../src/config/settings-doc.js'
import { NOT_SETTINGS } from '../../src/config/settings.js'
import { HeimdallError } from '../../src/errors.js'

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url))

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = join(folder, entry.name)
    if (entry.isDirectory()) return sourceFiles(full)
    return entry.name.endsWith('.ts') ? [full] : []
  })
}

test('docs/configuration.md holds the settings table as src/config/settings.ts renders it', (t) => {
  const doc = readFileSync(CONFIGURATION_DOC, 'utf8')
  t.is(
    withSettingsTable(doc),
    doc,
    'docs/configuration.md differs from the settings table: regenerate it with `npm run build && node dist/src/config/settings-doc.js --write` (edit the rows in src/config/settings.ts, not the doc)',
  )
})

test('every HEIMDALL_* name under src/ is a row of the settings table, or says why it is not one', (t) => {
  const rows = new Set(settingRows().map(([, row]) => row.env))
  // A name followed by "*" is a family in prose (HEIMDALL_RATE_LIMIT_*), not a variable.
  const NAME = /\bHEIMDALL_[A-Z0-9_]+\b(?!\*)/g
  const unknown = new Map<string, string>()
  for (const file of sourceFiles(SRC)) {
    for (const name of readFileSync(file, 'utf8').match(NAME) ?? []) {
      if (!rows.has(name) && !(name in NOT_SETTINGS)) unknown.set(name, file.slice(SRC.length))
    }
  }
  t.deepEqual([...unknown].map(([name, file]) => `${name} (src/${file})`), [], 'add a row to SETTINGS in src/config/settings.ts, or an entry to NOT_SETTINGS saying why not')
  for (const name of Object.keys(NOT_SETTINGS)) t.false(rows.has(name), `${name} is a setting and also listed as none`)
})

test('one row per variable, each with a doc; every plain default is within its own bounds', (t) => {
  const rows = settingRows()
  t.is(new Set(rows.map(([, row]) => row.env)).size, rows.length, 'no variable in two rows')
  for (const [name, row] of rows) {
    t.regex(row.env, /^HEIMDALL_[A-Z0-9_]+$/, name)
    t.true(row.doc.trim().length > 0 && !row.doc.includes('\n'), `${row.env}: a one-line doc`)
    const fallback = defaultOf(row, loadConfig({}))
    if (fallback === undefined || Array.isArray(fallback) || typeof row.default === 'function') continue
    t.deepEqual(row.parser.parse(row.parser.describe(fallback), row.env), fallback, `${row.env}: the default as the docs print it reads back as itself`)
  }
})

test('the loader reads every row: a refused value names its variable; nothing set gives every default', (t) => {
  const config = loadConfig({})
  for (const [name, row] of settingRows()) t.deepEqual(config[name], defaultOf(row, config), name)
  const refusals: Record<string, string> = {
    HEIMDALL_REDIS_URL: 'http://cache:6379',
    HEIMDALL_DATABASE_READ_URL: 'postgres://replica/db',
    HEIMDALL_REPLICA_MAX_LAG: '2h',
    HEIMDALL_LOG_FORMAT: 'xml',
    HEIMDALL_INTROSPECTION_TOKEN: 'short',
    HEIMDALL_JWT_SECRET: 'short',
    HEIMDALL_WORKERS: '0',
    HEIMDALL_LOCKOUT_MAX_FAILURES: '0',
    HEIMDALL_RATE_LIMIT_PER_MINUTE: '-1',
    HEIMDALL_MAIL_POLL_MS: '5',
    HEIMDALL_REQUIRE_VERIFIED_EMAIL: 'maybe',
    HEIMDALL_MAIL_TEMPLATES: join(SRC, 'config.ts'),
  }
  for (const [env, value] of Object.entries(refusals)) {
    const error = t.throws(() => loadConfig({ [env]: value }), { instanceOf: HeimdallError }, env)
    t.is(error?.code, 'config.invalid', env)
    t.regex(error?.message ?? '', new RegExp(`\\b${env}\\b`), env)
  }
})

test('a CLI flag goes through the same parser and bounds as its variable, and wins over it', (t) => {
  t.is(loadConfig({ HEIMDALL_PORT: '9100' }, { port: 9200 }).port, 9200)
  t.is(loadConfig({ HEIMDALL_WORKERS: '3' }, { workers: 2 }).workers, 2)
  t.throws(() => loadConfig({ HEIMDALL_WORKERS: '65' }), { message: /HEIMDALL_WORKERS must be between 1 and 64 \(got 65\)/ })
  t.throws(() => loadConfig({}, { workers: 65 }), { message: /--workers must be between 1 and 64 \(got 65\)/ }, 'the refusal names the flag the value came from')
  t.throws(() => loadConfig({}, { databaseUrl: 'mongodb://db/x' }), { message: /Unsupported database URL "mongodb:\/\/db\/x" in --database-url/ })
  t.throws(() => loadConfig({}, { jwtSecret: 'short' }), { message: /HEIMDALL_JWT_SECRET is too short/ })
  t.is(loadConfig({ HEIMDALL_DATABASE_URL: 'sqlite:a.db' }, { databaseUrl: 'mysql://u:p@db/x' }).databaseType, 'mysql')
})

test('the rules across settings hold, each once', (t) => {
  t.throws(() => loadConfig({ HEIMDALL_HEADERS_TIMEOUT: '40s' }), { message: /HEIMDALL_HEADERS_TIMEOUT \(40 s\) must not exceed HEIMDALL_REQUEST_TIMEOUT \(30 s\)/ })
  t.throws(() => loadConfig({ HEIMDALL_DATABASE_READ_URL: 'mysql://u:p@replica/x' }), { message: /HEIMDALL_DATABASE_READ_URL must be the same kind of database as HEIMDALL_DATABASE_URL/ })
  t.is(loadConfig({ HEIMDALL_DATABASE_URL: 'mysql://u:p@db/x', HEIMDALL_DATABASE_READ_URL: 'mariadb://u:p@replica/x' }).databaseReadUrl, 'mariadb://u:p@replica/x')
})
