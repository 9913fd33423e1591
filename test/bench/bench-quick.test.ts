import { fileURLToPath } from 'node:url'
import test from 'ava'
import { runCommand } from '../support/run-command.js'

const BENCH = fileURLToPath(new URL('../../bench/run.js', import.meta.url))
/** The small load of every part (the comment below says why): `npm run bench` in quick mode, one round, at most 20 requests a second. */
const SMALL_LOAD = [BENCH, '--quick', '--rounds', '1', '--connections', '4', '--rate', '20']
const TABLE_ROW = /^\| (.+?) \| (sqlite|mysql) \| ([\d,]+) \| (\d+(?:\.\d+)?) \| (\d+(?:\.\d+)?) \| (\d+) \| (\d+\.\d\d) of (.+?) \| ([\d,.]+|n\/a) \| ([\d,.]+|n\/a) \|$/

// The bench itself is not run by CI (it needs a quiet machine); this only proves that a newcomer's
// `npm run bench -- --quick` still works end to end, with a load small enough for the suite: every
// load at most 20 requests a second (--rate; the numbers are not what is asserted, and saturating
// runs cost the rest of the suite about 110 s of CPU where these cost about 50), the rows that hash a
// password at most 5 (--hash-rate: at 20, their bcrypt and argon2id hashes were most of the file's
// CPU), one round of one
// second (two for the hot path, below), three for the login and register rows (the quick bench's
// default: with one or two, a row beside the rest of the suite once finished no request, each of its
// 16 connections' first hash still queued behind the others when the run ended; they use the four
// connections of --connections now). The warm-up that
// fills the workers' caches runs unbounded. It starts first, beside npm pack and the rest
// (ava.config.js, FIRST); its servers run at the tests' own priority. Its parts run in turn, one test each (a database's throughput rows,
// the hot path, local verification): on a busy machine the whole bench took more than AVA's two
// minutes without a test ending.
const databases = process.env.HEIMDALL_TEST_MYSQL_URL ? ['sqlite', 'mysql'] : ['sqlite']
for (const database of databases) {
  test.serial(`the bench runs in quick mode with a tiny load and prints the table [${database}]`, async (t) => {
    const args = [...SMALL_LOAD, '--only', 'throughput', '--hash-rate', '5', '--database', database, '--seconds', '1', '--users', '200', '--rss-sessions', '0', '--bcrypt-seconds', '3', '--import-users', '500']
    // At the tests' own priority: niced, its server missed its start-up deadline on a saturated machine.
    const { code, output: stdout } = await runCommand(process.execPath, args, { env: process.env, timeoutMs: 110_000, nice: 0 })
    t.is(code, 0, stdout.slice(-2000))

    const rows = stdout.split('\n').map((line) => TABLE_ROW.exec(line)).filter((row) => row !== null)
    // argon2id's sign-ins are measured on SQLite only: hashing does not depend on the database.
    const scenarios = database === 'sqlite' ? ['validate', 'validate', 'login', 'login', 'register', 'login'] : ['validate', 'validate', 'login', 'login', 'register']
    t.deepEqual(rows.map((row) => row[2]), scenarios.map(() => database), 'rows of this database only')
    t.deepEqual(rows.map((row) => row[1].split(' ')[0].replace(',', '')), scenarios)
    t.regex(rows[3][1], /^login, 3 webhook endpoints/)
    if (database === 'sqlite') t.regex(rows[5]![1], /^login \(argon2id m=19456 t=2 p=1\)$/, 'argon2id at its default cost beside bcrypt')
    t.regex(stdout, /user:import: 500 users in \d+\.\d s \([\d,]+\/s\) on /)
    t.regex(stdout, /events \((sqlite|mysql)\): [1-9]\d* webhook deliveries received/)
    for (const row of rows) {
      t.true(Number(row[3].replaceAll(',', '')) > 0, `${row[1]} measured some requests`)
      t.is(row[6], '0', `${row[1]} on ${row[2]} had no errors`)
      t.true(Number(row[7]) > 0, `${row[1]} has a ratio`)
      if (process.platform === 'linux') {
        t.true(Number(row[9].replaceAll(',', '')) > 0, `${row[1]} on ${row[2]}: the server's CPU per request`)
        t.true(Number(row[10].replaceAll(',', '')) > 0, `${row[1]} on ${row[2]}: the load generator's CPU per request`)
      }
    }
    t.regex(stdout, /heimdall --help: \d+\.\d\d s/)
    t.regex(stdout, /Heimdall bench, \d{4}-\d\d-\d\d \d\d:\d\d UTC, \d+ x /)
  })
}

test.serial('the hot path part compares one Heimdall process with bare Koa and node:http, and leads with the CPU ratio', async (t) => {
  // Two seconds a run: each server's probe writes its tail once a second, and the window read after a
  // one-second run held no line of it when the machine was busy (a CI run of 2026-12-06: "n/a").
  const args = [...SMALL_LOAD, '--only', 'hot-path', '--seconds', '2', '--users', '200']
  const { code, output: stdout } = await runCommand(process.execPath, args, { env: process.env, timeoutMs: 110_000, nice: 0 })
  t.is(code, 0, stdout.slice(-2000))
  t.regex(stdout, /^Hot path: a cached validation costs \d+\.\d µs of server CPU, \d+\.\d\d x bare Koa's \d+\.\d µs/m, 'the headline: CPU per request against bare Koa')
  const serverRows = stdout.split('\n').filter((line) => /^\| (heimdall|bare koa|bare node:http) \| (POST \/auth\/validate|GET \/auth\/me) \|/.test(line))
  // Two tables of six rows: CPU and latency, then each server's tail (event loop and GC).
  t.is(serverRows.length, 12, 'three servers, two routes, one process each, in both tables')
  const hotRows = serverRows.slice(0, 6)
  const tailRows = serverRows.slice(6)
  for (const row of tailRows) {
    const cells = row.split('|').slice(1, -1).map((cell) => cell.trim())
    // "saturated / fixed" in each cell: the probe inside the server wrote both runs' seconds.
    t.regex(cells[2], /^\d+(\.\d+)? \/ \d+(\.\d+)?$/, `${row}: the event loop's p50 from the probe in the server`)
  }
  for (const row of hotRows) {
    const cells = row.split('|').slice(1, -1).map((cell) => cell.trim())
    t.true(Number(cells[2].replaceAll(',', '')) > 0, `${row}: requests answered`)
    t.is(cells[11], '0', `${row}: no errors`)
    if (process.platform === 'linux') t.true(Number(cells[3]) > 0 && Number(cells[10]) > 0, `${row}: server CPU per request, saturated and at the fixed load`)
  }
})

test.serial('the local-verify part compares a service verifying with @heimdall/verify against POST /auth/validate, and leads with what a verification costs Heimdall', async (t) => {
  const args = [...SMALL_LOAD, '--only', 'local-verify', '--seconds', '1']
  const { code, output: stdout } = await runCommand(process.execPath, args, { env: process.env, timeoutMs: 110_000, nice: 0 })
  t.is(code, 0, stdout.slice(-2000))
  t.regex(stdout, /^Local verification: with @heimdall\/verify a verification costs Heimdall \d+\.\d µs of CPU \(its timers and the stream's polls, \d+ in \d+\.\d s: \d+\.\d% of a core at any rate\), against \d+\.\d µs for POST \/auth\/validate/m, 'the headline: what a verification costs Heimdall each way')
  const rows = stdout
    .split('\n')
    .filter((line) => /^\| (Heimdall, POST \/auth\/validate|service asking POST \/auth\/validate|service with @heimdall\/verify|service with @heimdall\/verify, cache off) \|/.test(line))
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()))
  t.deepEqual(rows.map((cells) => cells[0]), ['Heimdall, POST /auth/validate', 'service asking POST /auth/validate', 'service with @heimdall/verify', 'service with @heimdall/verify, cache off'])
  const number = (cell: string) => Number(cell.replaceAll(',', ''))
  for (const cells of rows) {
    t.true(number(cells[1]) > 0, `${cells[0]}: requests answered`)
    t.is(cells[10], '0', `${cells[0]}: no token refused`)
    if (process.platform === 'linux') {
      if (cells[0] !== 'Heimdall, POST /auth/validate') t.true(number(cells[2]) > 0, `${cells[0]}: the service's CPU per request`)
      if (!cells[0].startsWith('service with @heimdall/verify')) t.true(number(cells[3]) > 0, `${cells[0]}: Heimdall's CPU per request`)
      t.regex(cells[4], /^\d+\.\d%$/, `${cells[0]}: Heimdall's CPU as a share of a core`)
    }
  }
  // The package asks Heimdall nothing per verification: while the service verified, Heimdall answered
  // the stream's polls (two a second), not one request per verification as for the service asking it.
  const [, asking, local, uncached] = rows
  t.true(number(local[6]) < 10, `Heimdall answered ${local[6]} requests a second while the service verified on its own`)
  t.true(number(uncached[6]) < 10, `Heimdall answered ${uncached[6]} requests a second while the service verified on its own, cache off`)
  // verify() alone: a token seen before skips the signature check, so it costs less than one checked.
  const inProcess = /^verify\(\) alone in the bench's process \(no HTTP\), CPU a call, the median of three loops over the same tokens: (\d+\.\d) µs answered from the cache, (\d+\.\d) µs with the cache off/m.exec(stdout)
  t.truthy(inProcess, 'the in-process line')
  if (process.platform === 'linux') t.true(number(inProcess![1]) < number(inProcess![2]), `a cache hit (${inProcess![1]} µs) costs less than a signature check (${inProcess![2]} µs)`)
  t.true(number(asking[6]) > 10, `the service asking Heimdall: ${asking[6]} requests a second at Heimdall`)
})
