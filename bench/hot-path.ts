// The hot path against its floors, one process each: Heimdall (`serve --workers 1`), a bare Koa app
// and bare node:http, driven in turn from this process. The measure is the server's CPU per request
// (its utime + stime over a run, divided by the requests it answered), which holds whether or not the
// load generator, sharing the two cores, is what saturates; and the latency at a fixed offered load
// below saturation (the server's, not a queue's), beside the latency at saturation.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { load, type LoadResult } from './load.js'
import { startProcess, type Running } from './process.js'
import { tailBetween, type Tail } from './tail.js'

export interface HotPathOptions {
  /** The environment `heimdall serve` runs with (database, secret, cost). */
  env: Record<string, string>
  /** Access tokens of live sessions, cycled through by the connections. */
  tokens: readonly string[]
  connections: number
  seconds: number
  rounds: number
  /** At most this many requests a second in every run (the bench's --rate); default: as many as are answered. */
  rate?: number
}

export interface HotPathRow {
  server: 'heimdall' | 'bare koa' | 'bare node:http'
  route: 'POST /auth/validate' | 'GET /auth/me'
  saturated: LoadResult
  /** At `fixedRate` requests a second. */
  fixed: LoadResult
  /** The server's event loop and garbage collection during the saturated (median) and fixed runs. */
  saturatedTail?: Tail
  fixedTail?: Tail
  /** Server CPU per request at saturation over the bare Koa app's for the same route. */
  cpuRatioToKoa: number
}

export interface HotPathResult {
  rows: HotPathRow[]
  /** The offered load of the fixed runs, requests a second: half of what bare Koa answers saturated. */
  fixedRate: number
  /** The --rate ceiling every run was held to, if any (requests a second). */
  rate?: number
}

const BIN = new URL('../../bin/run.js', import.meta.url).pathname
const BASELINE = new URL('./baseline-server.js', import.meta.url).pathname
const TAIL_PROBE = new URL('./tail-probe.js', import.meta.url).href
const ROUTES = [
  { route: 'POST /auth/validate', method: 'POST', path: '/auth/validate' },
  { route: 'GET /auth/me', method: 'GET', path: '/auth/me' },
] as const

/**
 * Measures validate and /auth/me on one Heimdall process against bare Koa and bare node:http, each
 * run `rounds` times for `seconds` (the median round by server CPU per request is kept). Throws when
 * a server does not start, or a request of Heimdall's fails (every token must stay valid).
 */
export async function measureHotPath(options: HotPathOptions): Promise<HotPathResult> {
  const servers: Running[] = []
  const tailDirs: string[] = []
  // Each server gets its own probe directory: the tail read for a run is that server's alone.
  const probed = () => {
    const dir = mkdtempSync(join(tmpdir(), 'heimdall-bench-tail-'))
    tailDirs.push(dir)
    return { dir, env: { BENCH_TAIL_DIR: dir, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${TAIL_PROBE}`.trim() } }
  }
  try {
    const heimdallProbe = probed()
    const heimdall = await startProcess([BIN, 'serve', '--port', '0', '--workers', '1'], { ...options.env, ...heimdallProbe.env }, /listening on (http:\/\/\S+)[\s\S]*Ready/)
    servers.push(heimdall)
    const koaProbe = probed()
    const koa = await startProcess([BASELINE, '1', 'koa'], koaProbe.env, /listening on (http:\/\/\S+)/)
    servers.push(koa)
    const httpProbe = probed()
    const http = await startProcess([BASELINE, '1', 'http'], httpProbe.env, /listening on (http:\/\/\S+)/)
    servers.push(http)
    const targets = [
      { server: 'heimdall', running: heimdall, tailDir: heimdallProbe.dir },
      { server: 'bare koa', running: koa, tailDir: koaProbe.dir },
      { server: 'bare node:http', running: http, tailDir: httpProbe.dir },
    ] as const

    const bodies = options.tokens.map((token) => `{"token":"${token}"}`)
    const run = (running: Running, route: (typeof ROUTES)[number], seconds: number, rate?: number) =>
      load(running.url, {
        path: route.path,
        method: route.method,
        body: route.method === 'GET' ? options.tokens : bodies,
        connections: options.connections,
        seconds,
        serverPid: running.pid,
        rate: rate ?? options.rate,
      })
    // Warm-up: JIT, and every token's session into Heimdall's read model.
    for (const { running } of targets) for (const route of ROUTES) await run(running, route, Math.min(2, options.seconds))

    const saturated = new Map<string, TailedResult[]>()
    for (let round = 0; round < options.rounds; round++) {
      for (const route of ROUTES) {
        for (const { server, running, tailDir } of targets) {
          const key = `${server} ${route.route}`
          saturated.set(key, [...(saturated.get(key) ?? []), await tailed(tailDir, () => run(running, route, options.seconds))])
        }
      }
    }
    const medianOf = (key: string) => medianByCpu(saturated.get(key)!)
    const fixedRate = Math.min(Math.max(100, Math.round(medianOf(`bare koa ${ROUTES[0].route}`).result.perMinute / 60 / 2)), options.rate ?? Infinity)

    const rows: HotPathRow[] = []
    for (const route of ROUTES) {
      const koaCpu = medianOf(`bare koa ${route.route}`).result.serverCpuUs
      for (const { server, running, tailDir } of targets) {
        const { result, tail: saturatedTail } = medianOf(`${server} ${route.route}`)
        if (server === 'heimdall' && result.errors > 0) throw new Error(`${route.route}: ${result.errors} of Heimdall's answers failed`)
        const { result: fixed, tail: fixedTail } = await tailed(tailDir, () => run(running, route, options.seconds, fixedRate))
        rows.push({
          server,
          route: route.route,
          saturated: result,
          fixed,
          saturatedTail,
          fixedTail,
          cpuRatioToKoa: result.serverCpuUs !== undefined && koaCpu ? result.serverCpuUs / koaCpu : Number.NaN,
        })
      }
    }
    return { rows, fixedRate, rate: options.rate }
  } finally {
    for (const server of servers) await server.stop()
    for (const dir of tailDirs) rmSync(dir, { recursive: true, force: true })
  }
}

interface TailedResult {
  result: LoadResult
  tail?: Tail
}

/** Runs `measure` and reads the server's tail over the same window (the probe writes once a second). */
async function tailed(tailDir: string, measure: () => Promise<LoadResult>): Promise<TailedResult> {
  const from = Date.now()
  const result = await measure()
  const to = Date.now()
  await new Promise((resolve) => setTimeout(resolve, 1100))
  return { result, tail: tailBetween(tailDir, from, to) }
}

/** The median round by server CPU per request; of an even number, the costlier of the middle two. */
function medianByCpu(results: TailedResult[]): TailedResult {
  const sorted = [...results].sort((a, b) => (a.result.serverCpuUs ?? 0) - (b.result.serverCpuUs ?? 0))
  return sorted[Math.floor(results.length / 2)]
}

function show(tail: Tail | undefined, pick: (tail: Tail) => number, unit: string): string {
  return tail === undefined ? 'n/a' : `${pick(tail)}${unit}`
}

/** The rows as a markdown table, and the headline: validate's CPU per request against bare Koa's. */
export function formatHotPath(result: HotPathResult): { headline: string; table: string[] } {
  const cpu = (us: number | undefined) => (us === undefined ? 'n/a' : us.toFixed(1))
  const validate = result.rows.find((row) => row.server === 'heimdall' && row.route === 'POST /auth/validate')!
  const koa = result.rows.find((row) => row.server === 'bare koa' && row.route === 'POST /auth/validate')!
  const http = result.rows.find((row) => row.server === 'bare node:http' && row.route === 'POST /auth/validate')!
  const headline =
    `Hot path: a cached validation costs ${cpu(validate.saturated.serverCpuUs)} µs of server CPU, ` +
    `${validate.cpuRatioToKoa.toFixed(2)} x bare Koa's ${cpu(koa.saturated.serverCpuUs)} µs (bare node:http ${cpu(http.saturated.serverCpuUs)} µs); ` +
    `p99 saturated ${validate.saturated.p99} ms against node:http's ${http.saturated.p99} ms`
  const table = [
    result.rate === undefined
      ? `One process each, ${ROUTES.length} routes; saturated: as fast as answered; fixed: ${result.fixedRate.toLocaleString('en-US')} requests a second offered (half of bare Koa's saturated validate rate)`
      : `One process each, ${ROUTES.length} routes; every run at most ${result.rate.toLocaleString('en-US')} requests a second (--rate): not saturated; fixed: ${result.fixedRate.toLocaleString('en-US')} requests a second offered`,
    '',
    '| server | route | saturated req/s | server CPU µs/req | x bare Koa | generator CPU µs/req | p50 ms | p99 ms | fixed: p50 ms | fixed: p99 ms | fixed: server CPU µs/req | errors |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...result.rows.map(
      (row) =>
        `| ${row.server} | ${row.route} | ${Math.round(row.saturated.perMinute / 60).toLocaleString('en-US')} | ${cpu(row.saturated.serverCpuUs)} | ${row.cpuRatioToKoa.toFixed(2)} | ${cpu(row.saturated.clientCpuUs)} | ${row.saturated.p50} | ${row.saturated.p99} | ${row.fixed.p50} | ${row.fixed.p99} | ${cpu(row.fixed.serverCpuUs)} | ${row.saturated.errors + row.fixed.errors} |`,
    ),
    '',
    "The servers' tail (bench/tail-probe.ts in each server, the busiest process): event-loop delay (1 ms resolution; p99 is the worst one-second p99 of the run) and garbage collection, saturated / fixed",
    '',
    '| server | route | loop p50 ms | loop p99 ms | loop max ms | young GCs a second | young GC mean ms | other GCs a second | longest GC ms | time in GC |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...result.rows.map((row) => {
      const both = (pick: (tail: Tail) => number, unit = '') => `${show(row.saturatedTail, pick, unit)} / ${show(row.fixedTail, pick, unit)}`
      return `| ${row.server} | ${row.route} | ${both((t) => t.loopP50)} | ${both((t) => t.loopP99)} | ${both((t) => t.loopMax)} | ${both((t) => t.youngPerSecond)} | ${both((t) => t.youngMeanMs)} | ${both((t) => t.otherPerSecond)} | ${both((t) => t.gcMaxMs)} | ${both((t) => Math.round(t.gcShare * 1000) / 10, '%')} |`
    }),
  ]
  return { headline, table }
}
