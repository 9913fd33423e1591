// Local verification against asking Heimdall (issue 25): a token verified inside a service with
// @heimdall/verify (bench/verifier-service.ts: Koa, koaMiddleware, revocations from Heimdall's Shared
// Signals stream) against the same token sent to Heimdall's POST /auth/validate, by the bench itself
// and by a service asking for every request, on the same box, one process each. As in
// bench/hot-path.ts the measure is CPU per request (utime + stime of the process's tree over a run,
// over the requests answered) beside throughput at saturation, for the service and for Heimdall: while
// the service verifies on its own, Heimdall answers only the stream's polls (2 a second a service).
import { randomBytes } from 'node:crypto'
import { loadConfig } from '../src/config.js'
import { createContext } from '../src/context.js'
import { createClient } from '../src/usecases/oidc/create-client.js'
import { createTestDatabase } from '../test/support/db.js'
import { freePort } from '../test/support/free-port.js'
import { processTreeCpuSeconds } from './cpu-time.js'
import { load, type LoadResult } from './load.js'
import { startProcess, type Running } from './process.js'
import { seed } from './seed.js'
import { createRevocationSet, createVerifier } from '../packages/verify/src/index.js'

export interface LocalVerifyOptions {
  /** Distinct tokens (one session each) the connections cycle through. */
  tokens: number
  connections: number
  seconds: number
  rounds: number
  /** At most this many requests a second in every run (the bench's --rate); default: as many as are answered. */
  rate?: number
}

/** One way of verifying, the median round by the CPU of Heimdall and the service together. */
export interface VerificationRun {
  /** autocannon's view: throughput, latency and errors of whoever it drove (Heimdall, or the service). */
  result: LoadResult
  /** The service's CPU per request, µs; undefined for Heimdall alone, and off Linux. */
  serviceCpuUs?: number
  /** Heimdall's CPU over the run per request answered, µs; undefined off Linux. */
  heimdallCpuUs?: number
  /** Heimdall's CPU over the run per second of it (1: one core busy); undefined off Linux. */
  heimdallCpuShare?: number
  /** Requests Heimdall answered during the run, and the run's length in seconds. */
  heimdallRequests: number
  seconds: number
}

export interface LocalVerifyResult {
  /** Heimdall answering POST /auth/validate itself (a cached validation, RS256 tokens). */
  heimdall: VerificationRun
  /** A service asking Heimdall's POST /auth/validate for every request. */
  remote: VerificationRun
  /** A service verifying with @heimdall/verify, revocations from its stream. */
  local: VerificationRun
  /** The same with the package's cache of verified tokens off: a signature check per request. */
  uncached: VerificationRun
  /**
   * `verify(token)` alone, in the bench's own process (no HTTP), CPU µs a call, the median of three
   * loops over the same tokens: answered from the cache, and with the cache off (a signature check).
   */
  inProcess: { hitUs: number; missUs: number }
}

const BIN = new URL('../../bin/run.js', import.meta.url).pathname
const SERVICE = new URL('./verifier-service.js', import.meta.url).pathname

/**
 * Starts Heimdall (RS256, OpenID provider on, `serve --workers 1`, SQLite of its own) and two services
 * (one process each, bench/verifier-service.ts): one that asks Heimdall, one that verifies with
 * @heimdall/verify (a client_credentials client with the ssf scope of its own). Then measures, `rounds`
 * times for `seconds` each and in turn, the same tokens sent to Heimdall's POST /auth/validate, and
 * as Bearer tokens to each service. Throws when a process does not start or a token is refused.
 */
export async function measureLocalVerify(options: LocalVerifyOptions): Promise<LocalVerifyResult> {
  const db = await createTestDatabase('sqlite')
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const env = {
    HEIMDALL_DATABASE_URL: db.url,
    HEIMDALL_JWT_SECRET: randomBytes(48).toString('base64url'),
    HEIMDALL_JWT_ALG: 'RS256',
    HEIMDALL_DATA_KEYS: `k1:${randomBytes(32).toString('base64url')}`,
    HEIMDALL_OIDC_ENABLED: 'true',
    HEIMDALL_PUBLIC_URL: url,
    HEIMDALL_RATE_LIMIT_PER_MINUTE: '0',
  }
  const ctx = createContext(loadConfig(env))
  const servers: Running[] = []
  try {
    const seeded = await seed(ctx, options.tokens, 1)
    const client = await createClient(ctx, { name: 'bench verifier', redirectUris: [], postLogoutRedirectUris: [], grants: ['client_credentials'], scopes: ['ssf'], isPublic: false, firstParty: false })
    const heimdall = await startProcess([BIN, 'serve', '--port', String(port), '--workers', '1'], env, /listening on (http:\/\/\S+)[\s\S]*Ready/)
    servers.push(heimdall)
    const serviceEnv = { BENCH_HEIMDALL_URL: url, BENCH_CLIENT_ID: client.clientId, BENCH_CLIENT_SECRET: client.clientSecret! }
    const remote = await startProcess([SERVICE], { ...serviceEnv, BENCH_VERIFY: 'remote' }, /listening on (http:\/\/\S+)/)
    servers.push(remote)
    const local = await startProcess([SERVICE], { ...serviceEnv, BENCH_VERIFY: 'local' }, /listening on (http:\/\/\S+)/)
    servers.push(local)
    const uncached = await startProcess([SERVICE], { ...serviceEnv, BENCH_VERIFY: 'local-uncached' }, /listening on (http:\/\/\S+)/)
    servers.push(uncached)

    const bodies = seeded.tokens.map((token) => `{"token":"${token}"}`)
    const drive = (running: Running, path: string, method: 'POST' | 'GET', body: readonly string[]) => (seconds: number) =>
      load(running.url, { path, method, body, connections: options.connections, seconds, serverPid: running.pid, rate: options.rate })
    const ways = {
      heimdall: drive(heimdall, '/auth/validate', 'POST', bodies),
      remote: drive(remote, '/', 'GET', seeded.tokens),
      local: drive(local, '/', 'GET', seeded.tokens),
      uncached: drive(uncached, '/', 'GET', seeded.tokens),
    }
    // Warm-up: JIT, Heimdall's read model, the service's JWKS and connections.
    for (const run of Object.values(ways)) await run(Math.min(2, options.seconds))

    const runs: Record<keyof typeof ways, VerificationRun[]> = { heimdall: [], remote: [], local: [], uncached: [] }
    for (let round = 0; round < options.rounds; round++) {
      for (const [way, run] of Object.entries(ways) as Array<[keyof typeof ways, (seconds: number) => Promise<LoadResult>]>) {
        runs[way].push(await withHeimdall(heimdall, way === 'heimdall', () => run(options.seconds)))
      }
      const rate = (way: keyof typeof ways) => Math.round(runs[way][round].result.perMinute / 60)
      console.error(`[local-verify] round ${round + 1}: heimdall ${rate('heimdall')}/s, service asking heimdall ${rate('remote')}/s, service verifying locally ${rate('local')}/s (cache off ${rate('uncached')}/s)`)
    }
    const inProcess = await measureInProcess(`${url}/.well-known/jwks.json`, seeded.tokens)
    const result = { heimdall: medianByCpu(runs.heimdall), remote: medianByCpu(runs.remote), local: medianByCpu(runs.local), uncached: medianByCpu(runs.uncached), inProcess }
    for (const way of Object.keys(ways) as Array<keyof typeof ways>) if (result[way].result.errors > 0) throw new Error(`${way}: ${result[way].result.errors} requests failed (every token must stay valid)`)
    return result
  } finally {
    // The services first: the local one deletes its stream at Heimdall on the way out.
    for (const server of servers.reverse()) await server.stop()
    await ctx.close()
    await db.drop()
  }
}

/**
 * What `verify` itself costs, without the HTTP a service answers anyway: CPU µs a call (process.cpuUsage
 * of this process, nothing else running in it meanwhile), the median of three loops, a cached verifier
 * (every token verified once before) and one with the cache off, each with an (empty) revocation set. Throws when a token is refused.
 */
async function measureInProcess(jwksUri: string, tokens: string[]): Promise<{ hitUs: number; missUs: number }> {
  // With a revocation set, as a service fed by a stream checks one on every call.
  const revocations = { set: createRevocationSet({ retainSeconds: 900 }), unavailable: () => undefined }
  const cached = createVerifier({ jwksUri, issuer: 'heimdall', revocations })
  const uncached = createVerifier({ jwksUri, issuer: 'heimdall', revocations, cacheMaxEntries: 0 })
  const perCall = async (verifier: typeof cached, calls: number) => {
    const samples: number[] = []
    for (let loop = 0; loop < 3; loop++) {
      const before = process.cpuUsage()
      for (let i = 0; i < calls; i++) if (!(await verifier.verify(tokens[i % tokens.length])).is_valid) throw new Error('in process: a token was refused')
      const spent = process.cpuUsage(before)
      samples.push((spent.user + spent.system) / calls)
    }
    return Math.round(samples.sort((a, b) => a - b)[1] * 100) / 100
  }
  // Warm-up: the keys, the JIT, and every token in the cache.
  await perCall(cached, tokens.length * 10)
  await perCall(uncached, tokens.length)
  return { hitUs: await perCall(cached, 50_000), missUs: await perCall(uncached, 2_000) }
}

/** Runs `measure` and what Heimdall spent meanwhile: its CPU (all of it, per request answered) and the requests it answered. */
async function withHeimdall(heimdall: Running, isHeimdall: boolean, measure: () => Promise<LoadResult>): Promise<VerificationRun> {
  // The metrics are read outside the CPU window: rendering them is no part of what is measured.
  const requestsBefore = await requestsAnswered(heimdall.url)
  const cpuBefore = processTreeCpuSeconds(heimdall.pid)
  const started = performance.now()
  const result = await measure()
  const seconds = (performance.now() - started) / 1000
  const cpuAfter = processTreeCpuSeconds(heimdall.pid)
  // Less the first read of the metrics, counted once it was answered.
  const heimdallRequests = (await requestsAnswered(heimdall.url)) - requestsBefore - 1
  const heimdallCpuUs = isHeimdall
    ? result.serverCpuUs
    : cpuBefore === undefined || cpuAfter === undefined ? undefined : Math.round(((cpuAfter - cpuBefore) / Math.max(result.total, 1)) * 1e6 * 100) / 100
  const heimdallCpuShare = cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / seconds
  return { result, serviceCpuUs: isHeimdall ? undefined : result.serverCpuUs, heimdallCpuUs, heimdallCpuShare, heimdallRequests, seconds }
}

/** Every request Heimdall has answered so far, from its Prometheus metrics (heimdall_http_requests_total, all labels). */
async function requestsAnswered(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`, { headers: { connection: 'close' } })).text()
  let total = 0
  for (const line of text.split('\n')) if (line.startsWith('heimdall_http_requests_total{')) total += Number(line.slice(line.lastIndexOf(' ') + 1))
  return total
}

/** The median round by Heimdall's and the service's CPU per request together; of an even number, the costlier of the middle two. */
function medianByCpu(runs: VerificationRun[]): VerificationRun {
  const sorted = [...runs].sort((a, b) => together(a) - together(b))
  return sorted[Math.floor(runs.length / 2)]
}

function together(run: VerificationRun): number {
  return (run.serviceCpuUs ?? 0) + (run.heimdallCpuUs ?? 0)
}

/** The comparison as a markdown table, and its headline: what each way costs Heimdall, the service, and both. */
export function formatLocalVerify(result: LocalVerifyResult): { headline: string; table: string[] } {
  const cpu = (us: number | undefined) => (us === undefined ? 'n/a' : us.toFixed(1))
  const perSecond = (run: VerificationRun) => Math.round(run.result.perMinute / 60).toLocaleString('en-US')
  const times = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? (a / b).toFixed(1) : 'n/a')
  const { heimdall, remote, local, uncached, inProcess } = result
  const share = (run: VerificationRun) => (run.heimdallCpuShare === undefined ? 'n/a' : `${(run.heimdallCpuShare * 100).toFixed(1)}%`)
  const headline =
    `Local verification: with @heimdall/verify a verification costs Heimdall ${cpu(local.heimdallCpuUs)} µs of CPU (its timers and the stream's polls, ${local.heimdallRequests} in ${local.seconds.toFixed(1)} s: ${share(local)} of a core at any rate), ` +
    `against ${cpu(heimdall.heimdallCpuUs)} µs for POST /auth/validate (${times(heimdall.heimdallCpuUs, local.heimdallCpuUs)} x); ` +
    `the service spends ${cpu(local.serviceCpuUs)} µs verifying itself (${cpu(uncached.serviceCpuUs)} µs with the package's cache off) against ${cpu(remote.serviceCpuUs)} µs asking Heimdall; ` +
    `a request costs the service and Heimdall together ${cpu(together(local))} µs against ${cpu(together(remote))} µs (${times(together(remote), together(local))} x); ` +
    `${perSecond(local)} against ${perSecond(heimdall)} requests a second (Heimdall alone); ` +
    `verify() itself, in process, ${cpu(inProcess.hitUs)} µs a token seen before (${times(heimdall.heimdallCpuUs, inProcess.hitUs)} x less than Heimdall's POST /auth/validate) and ${cpu(inProcess.missUs)} µs checking the signature`
  const row = (name: string, run: VerificationRun) =>
    `| ${name} | ${perSecond(run)} | ${run.serviceCpuUs === undefined ? '-' : cpu(run.serviceCpuUs)} | ${cpu(run.heimdallCpuUs)} | ${share(run)} | ${cpu(together(run))} | ${(run.heimdallRequests / run.seconds).toFixed(1)} | ${cpu(run.result.clientCpuUs)} | ${run.result.p50} | ${run.result.p99} | ${run.result.errors} |`
  const table = [
    'One process each, saturated, the same 100 tokens (RS256) for each, so that Heimdall\'s cache of verified tokens and the package\'s both answer: Heimdall answering POST /auth/validate; a Koa service asking it for every request; a Koa service verifying itself with @heimdall/verify (koaMiddleware, revocations from a poll stream every 500 ms); the same with the package\'s cache off (cacheMaxEntries 0: a signature check per request)',
    '',
    '| verification | req/s | service CPU µs/req | Heimdall CPU µs/req | Heimdall CPU, share of a core | together µs/req | Heimdall requests/s | generator CPU µs/req | p50 ms | p99 ms | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    row('Heimdall, POST /auth/validate', heimdall),
    row('service asking POST /auth/validate', remote),
    row('service with @heimdall/verify', local),
    row('service with @heimdall/verify, cache off', uncached),
    '',
    `verify() alone in the bench's process (no HTTP), CPU a call, the median of three loops over the same tokens: ${cpu(inProcess.hitUs)} µs answered from the cache, ${cpu(inProcess.missUs)} µs with the cache off (the RS256 signature checked by jose)`,
  ]
  return { headline, table }
}
