// The hot path against its floors, one process each: Heimdall (`serve --workers 1`), a bare Koa app
// and bare node:http, driven in turn from this process. The measure is the server's CPU per request
// (its utime + stime over a run, divided by the requests it answered), which holds whether or not the
// load generator, sharing the two cores, is what saturates; and the latency at a fixed offered load
// below saturation (the server's, not a queue's), beside the latency at saturation.
import { load, type LoadResult } from './load.js'
import { startProcess, type Running } from './process.js'

export interface HotPathOptions {
  /** The environment `heimdall serve` runs with (database, secret, cost). */
  env: Record<string, string>
  /** Access tokens of live sessions, cycled through by the connections. */
  tokens: readonly string[]
  connections: number
  seconds: number
  rounds: number
}

export interface HotPathRow {
  server: 'heimdall' | 'bare koa' | 'bare node:http'
  route: 'POST /auth/validate' | 'GET /auth/me'
  saturated: LoadResult
  /** At `fixedRate` requests a second. */
  fixed: LoadResult
  /** Server CPU per request at saturation over the bare Koa app's for the same route. */
  cpuRatioToKoa: number
}

export interface HotPathResult {
  rows: HotPathRow[]
  /** The offered load of the fixed runs, requests a second: half of what bare Koa answers saturated. */
  fixedRate: number
}

const BIN = new URL('../../bin/run.js', import.meta.url).pathname
const BASELINE = new URL('./baseline-server.js', import.meta.url).pathname
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
  try {
    const heimdall = await startProcess([BIN, 'serve', '--port', '0', '--workers', '1'], options.env, /listening on (http:\/\/\S+)[\s\S]*Ready/)
    servers.push(heimdall)
    const koa = await startProcess([BASELINE, '1', 'koa'], {}, /listening on (http:\/\/\S+)/)
    servers.push(koa)
    const http = await startProcess([BASELINE, '1', 'http'], {}, /listening on (http:\/\/\S+)/)
    servers.push(http)
    const targets = [
      { server: 'heimdall', running: heimdall },
      { server: 'bare koa', running: koa },
      { server: 'bare node:http', running: http },
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
        rate,
      })
    // Warm-up: JIT, and every token's session into Heimdall's read model.
    for (const { running } of targets) for (const route of ROUTES) await run(running, route, Math.min(2, options.seconds))

    const saturated = new Map<string, LoadResult[]>()
    for (let round = 0; round < options.rounds; round++) {
      for (const route of ROUTES) {
        for (const { server, running } of targets) {
          const key = `${server} ${route.route}`
          saturated.set(key, [...(saturated.get(key) ?? []), await run(running, route, options.seconds)])
        }
      }
    }
    const medianOf = (key: string) => medianByCpu(saturated.get(key)!)
    const fixedRate = Math.max(100, Math.round(medianOf(`bare koa ${ROUTES[0].route}`).perMinute / 60 / 2))

    const rows: HotPathRow[] = []
    for (const route of ROUTES) {
      const koaCpu = medianOf(`bare koa ${route.route}`).serverCpuUs
      for (const { server, running } of targets) {
        const result = medianOf(`${server} ${route.route}`)
        if (server === 'heimdall' && result.errors > 0) throw new Error(`${route.route}: ${result.errors} of Heimdall's answers failed`)
        const fixed = await run(running, route, options.seconds, fixedRate)
        rows.push({
          server,
          route: route.route,
          saturated: result,
          fixed,
          cpuRatioToKoa: result.serverCpuUs !== undefined && koaCpu ? result.serverCpuUs / koaCpu : Number.NaN,
        })
      }
    }
    return { rows, fixedRate }
  } finally {
    for (const server of servers) await server.stop()
  }
}

/** The median round by server CPU per request; of an even number, the costlier of the middle two. */
function medianByCpu(results: LoadResult[]): LoadResult {
  const sorted = [...results].sort((a, b) => (a.serverCpuUs ?? 0) - (b.serverCpuUs ?? 0))
  return sorted[Math.floor(results.length / 2)]
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
    `One process each, ${ROUTES.length} routes; saturated: as fast as answered; fixed: ${result.fixedRate.toLocaleString('en-US')} requests a second offered (half of bare Koa's saturated validate rate)`,
    '',
    '| server | route | saturated req/s | server CPU µs/req | x bare Koa | generator CPU µs/req | p50 ms | p99 ms | fixed: p50 ms | fixed: p99 ms | fixed: server CPU µs/req | errors |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...result.rows.map(
      (row) =>
        `| ${row.server} | ${row.route} | ${Math.round(row.saturated.perMinute / 60).toLocaleString('en-US')} | ${cpu(row.saturated.serverCpuUs)} | ${row.cpuRatioToKoa.toFixed(2)} | ${cpu(row.saturated.clientCpuUs)} | ${row.saturated.p50} | ${row.saturated.p99} | ${row.fixed.p50} | ${row.fixed.p99} | ${cpu(row.fixed.serverCpuUs)} | ${row.saturated.errors + row.fixed.errors} |`,
    ),
  ]
  return { headline, table }
}
