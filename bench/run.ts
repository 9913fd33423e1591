// `npm run bench [-- --quick]`: Heimdall's validation, login and registration throughput against a
// bare Koa baseline and the bcrypt ceiling, login with argon2id against its ceiling, and user:import's
// rate (100,000 users; 2,000 in quick mode), on SQLite and (with HEIMDALL_TEST_MYSQL_URL) MariaDB;
// and a token verified locally with @heimdall/verify against POST /auth/validate (bench/local-verify.ts).
// autocannon runs in this process, so its garbage collector's pauses are the measured latency: npm
// gives it a 64 MB young generation and turns off V8's allocation-site pretenuring, which otherwise
// learns during seeding and warm-up to allocate autocannon's per-response parser objects straight
// into the old generation: 12 MB promoted per young collection, 15-35 ms pauses, p99 13-20 ms
// against 5 ms for the same servers driven from a fresh process.
import { randomBytes } from 'node:crypto'
import { availableParallelism, cpus, totalmem } from 'node:os'
import { parseArgs } from 'node:util'
import bcrypt from 'bcrypt'
import { CONFIG_DEFAULTS, loadConfig } from '../src/config.js'
import { argon2idHash } from '../src/infra/passwords/argon2.js'
import { measureImportRate } from './import-rate.js'
import { createContext } from '../src/context.js'
import { createTestDatabase } from '../test/support/db.js'
import { measureStatementCosts, type OperationCost } from './costs.js'
import { formatHotPath, measureHotPath, type HotPathResult } from './hot-path.js'
import { formatLocalVerify, measureLocalVerify, type LocalVerifyResult } from './local-verify.js'
import { load, type LoadResult } from './load.js'
import { startProcess, type Running } from './process.js'
import { BENCH_PASSWORD, seed } from './seed.js'
import { startReceivers } from './webhook-receivers.js'
import { createWebhook } from '../src/usecases/events/create-webhook.js'

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    connections: { type: 'string', default: '64' },
    users: { type: 'string' },
    workers: { type: 'string', default: '2' },
    'rss-sessions': { type: 'string' },
    'bcrypt-seconds': { type: 'string' },
    // Users written by the user:import case (100,000 in full mode).
    'import-users': { type: 'string' },
    // `--only hot-path`: just the one-process comparison with bare Koa and node:http; `--only
    // throughput`: the throughput table, its notes and the statement counts; `--only local-verify`:
    // just @heimdall/verify against POST /auth/validate.
    only: { type: 'string' },
    // One database instead of each available (sqlite, and mysql with HEIMDALL_TEST_MYSQL_URL).
    database: { type: 'string' },
    // `--rate N`: every load offers at most N requests a second, all its connections together (default:
    // as many as are answered). For a run that proves the bench works (the suite's), not what it measures:
    // the load generator and the servers then leave the machine's cores to the rest.
    rate: { type: 'string' },
    // `--hash-rate N`: the login and register rows (a password hash per request, tens of milliseconds
    // of CPU each) at most N a second instead of --rate; the suite's run keeps its CPU for the rest.
    'hash-rate': { type: 'string' },
  },
})
if (flags.database !== undefined && !['sqlite', 'mysql'].includes(flags.database)) throw new Error(`--database ${flags.database}: sqlite or mysql`)
if (flags.only !== undefined && !['hot-path', 'throughput', 'local-verify'].includes(flags.only)) throw new Error(`--only ${flags.only}: the parts are hot-path, throughput and local-verify`)
const withHotPath = flags.only === undefined || flags.only === 'hot-path'
const withThroughput = flags.only === undefined || flags.only === 'throughput'
const withLocalVerify = flags.only === undefined || flags.only === 'local-verify'
const quick = flags.quick!
const seconds = Number(flags.seconds ?? (quick ? 2 : 10))
const rounds = Number(flags.rounds ?? (quick ? 2 : 3))
const connections = Number(flags.connections)
/**
 * Connections of the login and register rows: 16, enough to keep every core's hashing busy, or fewer
 * when --connections asks for fewer (the suite's quick run: each connection's first request is sent at
 * once whatever --rate says, and 16 first hashes queued behind one another on a busy machine once left
 * a three-second row with no answer).
 */
const hashConnections = Math.min(16, connections)
const users = Number(flags.users ?? (quick ? 2000 : 10_000))
const workers = Number(flags.workers)
const rate = flags.rate === undefined ? undefined : Number(flags.rate)
if (rate !== undefined && !(rate > 0)) throw new Error(`--rate ${flags.rate}: a number of requests a second above 0`)
const hashRate = flags['hash-rate'] === undefined ? rate : Number(flags['hash-rate'])
if (hashRate !== undefined && !(hashRate > 0)) throw new Error(`--hash-rate ${flags['hash-rate']}: a number of requests a second above 0`)
// A login waits over a second for bcrypt behind the others in flight: a short window loses up to a
// tenth of its work to the requests still running when it closes, so the full run measures 30 s.
const bcryptSeconds = Number(flags['bcrypt-seconds'] ?? (quick ? Math.max(seconds, 3) : 30))
const rssSessions = Number(flags['rss-sessions'] ?? (quick ? 10_000 : 100_000))
const bcryptCost = Number(process.env.HEIMDALL_BCRYPT_COST ?? (quick ? 10 : 12))
const importUsers = Number(flags['import-users'] ?? (quick ? 2000 : 100_000))
// argon2id at its defaults (HEIMDALL_ARGON2_*), in both modes: OWASP's 19 MiB and 2 passes.
const argon2Cost = { memoryKib: CONFIG_DEFAULTS.argon2MemoryKib, iterations: CONFIG_DEFAULTS.argon2Iterations, parallelism: CONFIG_DEFAULTS.argon2Parallelism }
const BIN = new URL('../../bin/run.js', import.meta.url).pathname
const BASELINE = new URL('./baseline-server.js', import.meta.url).pathname

interface Row {
  scenario: string
  database: string
  result: LoadResult
  ratio: number
  ratioOf: string
}
const rows: Row[] = []
let costs: OperationCost[] = []
const notes: string[] = []
let hotPath: HotPathResult | undefined
let localVerify: LocalVerifyResult | undefined
/** Distinct tokens the hot-path runs cycle through (as in the issue's measurements). */
const HOT_PATH_TOKENS = 100

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/** The median round; of an even number, the slower of the middle two. */
function medianResult(results: LoadResult[]): LoadResult {
  const middle = [...results].sort((a, b) => a.perMinute - b.perMinute)[Math.floor((results.length - 1) / 2)]
  return { ...middle, errors: results.reduce((sum, result) => sum + result.errors, 0) }
}

async function json(url: string, init?: RequestInit): Promise<any> {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', connection: 'close' } })
  return response.json()
}

async function benchDatabase(kind: 'sqlite' | 'mysql'): Promise<void> {
  // The suite's own fresh database: a new SQLite file, or a new MySQL schema dropped afterwards.
  const db = await createTestDatabase(kind)
  const env = {
    HEIMDALL_DATABASE_URL: db.url,
    HEIMDALL_JWT_SECRET: randomBytes(48).toString('base64url'),
    HEIMDALL_BCRYPT_COST: String(bcryptCost),
    HEIMDALL_RATE_LIMIT_PER_MINUTE: '0',
    // The events case's receivers listen on loopback; its endpoints' secrets are sealed under this key.
    HEIMDALL_WEBHOOK_ALLOW_PRIVATE: 'true',
    HEIMDALL_DATA_KEYS: `k1:${randomBytes(32).toString('base64url')}`,
  }
  const ctx = createContext(loadConfig(env))
  const started = performance.now()
  const seeded = await seed(ctx, users, 1)
  console.error(`[${kind}] seeded ${users} users and ${seeded.tokens.length} sessions in ${((performance.now() - started) / 1000).toFixed(1)} s`)

  if (kind === 'sqlite' && withHotPath) {
    // The database plays no part in a cached validation: measured once, before the cluster's runs.
    hotPath = await measureHotPath({ env, tokens: seeded.tokens.slice(0, HOT_PATH_TOKENS), connections, seconds, rounds, rate })
  }
  if (!withThroughput) {
    await ctx.close()
    await db.drop()
    return
  }
  const servers: Running[] = []
  try {
    const heimdall = await startProcess([BIN, 'serve', '--port', '0', '--workers', String(workers)], env, /listening on (http:\/\/\S+)[\s\S]*Ready/)
    servers.push(heimdall)
    const baseline = await startProcess([BASELINE, String(workers)], {}, /listening on (http:\/\/\S+)/)
    servers.push(baseline)

    const sample = seeded.tokens.slice(0, 20)
    const checks = await Promise.all(sample.map((token) => json(`${heimdall.url}/auth/validate`, { method: 'POST', body: JSON.stringify({ token }) })))
    if (!checks.every((check) => check.is_valid)) throw new Error(`seeded tokens do not validate: ${JSON.stringify(checks[0])}`)

    // Measured: each connection cycles through its own window of the tokens (autocannon builds those
    // requests once). Warm-up: JIT, and every request the next token, until every worker's read model
    // holds every token.
    const validateBodies = seeded.tokens.map((token) => `{"token":"${token}"}`)
    let next = 0
    const everyTokenInTurn = () => validateBodies[next++ % validateBodies.length]
    await load(baseline.url, { path: '/auth/validate', body: validateBodies, connections, seconds: 1, rate })
    await warmUp(heimdall.url, everyTokenInTurn, seeded.tokens.length)

    const baselineRuns: LoadResult[] = []
    const heimdallRuns: LoadResult[] = []
    for (let round = 0; round < rounds; round++) {
      baselineRuns.push(await load(baseline.url, { path: '/auth/validate', body: validateBodies, connections, seconds, serverPid: baseline.pid, rate }))
      heimdallRuns.push(await load(heimdall.url, { path: '/auth/validate', body: validateBodies, connections, seconds, serverPid: heimdall.pid, rate }))
      console.error(`[${kind}] round ${round + 1}: baseline ${baselineRuns[round].perMinute}/min, heimdall ${heimdallRuns[round].perMinute}/min`)
    }
    const base = medianResult(baselineRuns)
    const validate = medianResult(heimdallRuns)
    rows.push({ scenario: 'validate (bare Koa baseline)', database: kind, result: base, ratio: 1, ratioOf: 'baseline' })
    rows.push({ scenario: 'validate', database: kind, result: validate, ratio: validate.perMinute / base.perMinute, ratioOf: 'baseline' })
    const after = await json(`${heimdall.url}/auth/validate`, { method: 'POST', body: JSON.stringify({ token: seeded.tokens[7] }) })
    if (!after.is_valid) throw new Error('a token stopped validating during the run')

    // bcrypt's ceiling: every core hashing back to back.
    const hashTimes: number[] = []
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now()
      await bcrypt.hash(BENCH_PASSWORD, bcryptCost)
      hashTimes.push((performance.now() - t0) / 1000)
    }
    const ceilingPerMinute = (availableParallelism() / median(hashTimes)) * 60
    notes.push(`bcrypt cost ${bcryptCost}: ${(median(hashTimes) * 1000).toFixed(0)} ms a hash, ceiling ${Math.round(ceilingPerMinute)}/min on ${availableParallelism()} cores (${kind} run)`)

    let user = 0
    const loginBody = () => `{"email":"${seeded.emails[user++ % seeded.emails.length]}","password":"${BENCH_PASSWORD}"}`
    const login = await load(heimdall.url, { path: '/auth/login', body: loginBody, connections: hashConnections, seconds: bcryptSeconds, serverPid: heimdall.pid, rate: hashRate })
    rows.push({ scenario: `login (bcrypt cost ${bcryptCost})`, database: kind, result: login, ratio: login.perMinute / ceilingPerMinute, ratioOf: 'bcrypt ceiling' })

    // Events: the same logins with three webhook endpoints subscribed to every event. Delivery is off
    // the request path, so a login should cost the same (its event and three delivery rows are part
    // of its transaction).
    const receivers = await startReceivers(3)
    try {
      for (const [index, receiver] of receivers.entries()) await createWebhook(ctx, { url: receiver.url, name: `bench-${index}`, events: ['*'] })
      const hooked = await load(heimdall.url, { path: '/auth/login', body: loginBody, connections: hashConnections, seconds: bcryptSeconds, serverPid: heimdall.pid, rate: hashRate })
      rows.push({ scenario: `login, 3 webhook endpoints (bcrypt cost ${bcryptCost})`, database: kind, result: hooked, ratio: hooked.perMinute / login.perMinute, ratioOf: 'login' })
      notes.push(`events (${kind}): ${receivers.reduce((sum, receiver) => sum + receiver.count(), 0)} webhook deliveries received by the three endpoints during the run`)
    } finally {
      await Promise.all(receivers.map((receiver) => receiver.close()))
    }

    let newcomer = 0
    const stamp = Date.now()
    const registerBody = () => `{"email":"new-${stamp}-${newcomer++}@example.com","password":"${BENCH_PASSWORD}"}`
    const register = await load(heimdall.url, { path: '/auth/register', body: registerBody, connections: hashConnections, seconds: bcryptSeconds, serverPid: heimdall.pid, rate: hashRate })
    rows.push({ scenario: `register (bcrypt cost ${bcryptCost})`, database: kind, result: register, ratio: register.perMinute / ceilingPerMinute, ratioOf: 'bcrypt ceiling' })

    // Hashing's throughput does not depend on the database: argon2id is measured once, on SQLite (always run).
    if (kind === 'sqlite') await benchArgon2idLogin(kind, env, servers)

    if (kind === 'sqlite' && rssSessions > 0) await measureRss(heimdall.url, ctx, seeded.tokens, rssSessions)
  } finally {
    for (const server of servers) await server.stop()
    servers.length = 0
  }
  try {
    const rate = await measureImportRate(BIN, kind, importUsers)
    notes.push(`user:import: ${rate.users.toLocaleString('en-US')} users in ${rate.seconds.toFixed(1)} s (${rate.perSecond.toLocaleString('en-US')}/s) on ${kind}, batches of 1,000 in one transaction each`)
  } finally {
    for (const server of servers) await server.stop()
    await ctx.close()
    await db.drop()
  }
}

/**
 * Sign-ins with HEIMDALL_PASSWORD_HASH=argon2id at its default cost, against argon2id's ceiling (every
 * core hashing back to back): users of their own, hashed by it, on a server so configured.
 */
async function benchArgon2idLogin(kind: 'sqlite' | 'mysql', env: Record<string, string>, servers: Running[]): Promise<void> {
  const argonTimes: number[] = []
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now()
    await argon2idHash(BENCH_PASSWORD, argon2Cost)
    argonTimes.push((performance.now() - t0) / 1000)
  }
  const argonCeiling = (availableParallelism() / median(argonTimes)) * 60
  const argonCostText = `m=${argon2Cost.memoryKib} t=${argon2Cost.iterations} p=${argon2Cost.parallelism}`
  notes.push(`argon2id ${argonCostText}: ${(median(argonTimes) * 1000).toFixed(0)} ms a hash, ceiling ${Math.round(argonCeiling)}/min on ${availableParallelism()} cores (${kind} run)`)
  const argonEnv = { ...env, HEIMDALL_PASSWORD_HASH: 'argon2id' }
  const argonCtx = createContext(loadConfig(argonEnv))
  try {
    const argonUsers = await seed(argonCtx, Math.min(users, 2000), 0)
    const argonServer = await startProcess([BIN, 'serve', '--port', '0', '--workers', String(workers)], argonEnv, /listening on (http:\/\/\S+)[\s\S]*Ready/)
    servers.push(argonServer)
    let signIn = 0
    const argonLoginBody = () => `{"email":"${argonUsers.emails[signIn++ % argonUsers.emails.length]}","password":"${BENCH_PASSWORD}"}`
    const argonLogin = await load(argonServer.url, { path: '/auth/login', body: argonLoginBody, connections: hashConnections, seconds: bcryptSeconds, serverPid: argonServer.pid, rate: hashRate })
    rows.push({ scenario: `login (argon2id ${argonCostText})`, database: kind, result: argonLogin, ratio: argonLogin.perMinute / argonCeiling, ratioOf: 'argon2id ceiling' })
    // Idle, it would still share the cores with what is measured next.
    await argonServer.stop()
    servers.splice(servers.indexOf(argonServer), 1)
  } finally {
    await argonCtx.close()
  }
}

/**
 * Runs validations until every worker holds every token's session in its read model: the steady
 * state of a live estate, where each token is validated many times in its 15 minutes. A cold miss
 * reads the database and is measured by nothing here.
 */
async function warmUp(url: string, body: () => string, tokens: number): Promise<void> {
  // A cold miss costs two indexed reads: about 1,000 a second per worker here, so 100,000 sessions take minutes.
  const deadline = performance.now() + Math.max(60, tokens / 400) * 1000
  while (performance.now() < deadline) {
    // As fast as answered even under --rate: at 20 a second, two workers' caches of 200 tokens took 20 s to fill.
    // One second at a time: unbounded, each second takes both cores, and a few hundred tokens fill in one.
    await load(url, { path: '/auth/validate', body, connections, seconds: 1 })
    const cached = await cachedSessionsPerWorker(url)
    if (cached.size === workers && [...cached.values()].every((worker) => worker.keys >= tokens)) return
  }
  console.error('warning: the workers\' caches did not fill during warm-up; the run includes cold reads')
}

/** Each worker's cached session count and memory, read from /health/detailed over fresh connections. */
async function cachedSessionsPerWorker(url: string): Promise<Map<number, { rss: number; keys: number }>> {
  const seen = new Map<number, { rss: number; keys: number }>()
  for (let i = 0; i < 10 * workers && seen.size < workers; i++) {
    const health = await json(`${url}/health/detailed`)
    seen.set(health.system.pid, { rss: health.system.memory_rss_mb, keys: health.dependencies.cache.keys })
  }
  return seen
}

/**
 * Fills every worker's cache with `sessions` live sessions, counting those the validation runs
 * cached already, and reads the workers' resident memory.
 */
async function measureRss(url: string, ctx: ReturnType<typeof createContext>, cached: string[], sessions: number): Promise<void> {
  const extra = await seed(ctx, Math.ceil(Math.max(0, sessions - cached.length) / 10), 10)
  const tokens = [...cached, ...extra.tokens].slice(0, sessions)
  let next = 0
  await warmUp(url, () => `{"token":"${tokens[next++ % tokens.length]}"}`, tokens.length)
  for (const [pid, worker] of await cachedSessionsPerWorker(url)) {
    notes.push(`worker ${pid}: ${worker.keys} sessions cached, RSS ${worker.rss} MB (target < 300 MB with 100,000)`)
  }
}

function helpTime(): Promise<number> {
  return (async () => {
    const { execFileSync } = await import('node:child_process')
    const times: number[] = []
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now()
      execFileSync(process.execPath, [BIN, '--help'], { env: { ...process.env, NODE_ENV: 'production' }, stdio: 'ignore' })
      times.push(performance.now() - t0)
    }
    return median(times) / 1000
  })()
}

function printTable(): void {
  const fmt = (n: number) => n.toLocaleString('en-US')
  const cpu = (us: number | undefined) => (us === undefined ? 'n/a' : us >= 1000 ? fmt(Math.round(us)) : us.toFixed(1))
  const hot = hotPath ? formatHotPath(hotPath) : undefined
  const local = localVerify ? formatLocalVerify(localVerify) : undefined
  if (!withThroughput) {
    console.log([...(hot ? [hot.headline, '', ...hot.table, ''] : []), ...(local ? [local.headline, '', ...local.table, ''] : [])].join('\n'))
    return
  }
  const lines = [
    ...(hot ? [hot.headline, ''] : []),
    ...(local ? [local.headline, ''] : []),
    `Heimdall bench, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${cpus().length} x ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    `${quick ? 'quick' : 'full'} mode: ${workers} workers, ${connections} connections, ${seconds} s x ${rounds} rounds, ${users} users / distinct tokens; login and register ${bcryptSeconds} s at ${hashConnections} connections; user:import of ${importUsers} users${rate === undefined ? '' : `; at most ${rate} requests a second (--rate)`}${hashRate === rate ? '' : `; login and register at most ${hashRate} a second (--hash-rate)`}; load generator on the same machine`,
    '',
    '| scenario | database | requests/min | p50 ms | p99 ms | errors | ratio | server CPU µs/req | autocannon CPU µs/req |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${row.scenario} | ${row.database} | ${fmt(row.result.perMinute)} | ${row.result.p50} | ${row.result.p99} | ${row.result.errors} | ${row.ratio.toFixed(2)} of ${row.ratioOf} | ${cpu(row.result.serverCpuUs)} | ${cpu(row.result.clientCpuUs)} |`,
    ),
    '',
    'CPU µs/req: CPU time per request of the server\'s processes (all workers) and of the load generator, which share the cores.',
    '',
    ...(hot ? [...hot.table, ''] : []),
    ...(local ? [...local.table, ''] : []),
    ...notes.map((note) => `- ${note}`),
    '',
    'SQL statements per operation (one run over HTTP; rate limiting and lockout counters included):',
    '',
    '| operation | reads | writes | transactions |',
    '|---|---:|---:|---:|',
    ...costs.map((cost) => `| ${cost.operation} | ${cost.reads} | ${cost.writes} | ${cost.transactions} |`),
  ]
  console.log(lines.join('\n'))
}

const backends: Array<'sqlite' | 'mysql'> = flags.database !== undefined
  ? [flags.database as 'sqlite' | 'mysql']
  : !withThroughput || !process.env.HEIMDALL_TEST_MYSQL_URL ? ['sqlite'] : ['sqlite', 'mysql']
if (withHotPath || withThroughput) for (const kind of backends) await benchDatabase(kind)
// Its own Heimdall (RS256, the OpenID provider on for the stream's client) and database.
if (withLocalVerify) localVerify = await measureLocalVerify({ tokens: HOT_PATH_TOKENS, connections, seconds, rounds, rate })
if (withThroughput) {
  costs = await measureStatementCosts()
  notes.push(`heimdall --help: ${(await helpTime()).toFixed(2)} s (median of 5; target < 0.3 s)`)
}
printTable()
