import autocannon from 'autocannon'
import { ownCpuSeconds, processTreeCpuSeconds } from './cpu-time.js'

export interface LoadResult {
  perMinute: number
  p50: number
  p99: number
  errors: number
  total: number
  /** Microseconds of CPU per request, of the server's processes and of autocannon; undefined off Linux. */
  serverCpuUs?: number
  clientCpuUs?: number
}

export interface LoadOptions {
  path: string
  /** POST (default) sends the bodies; GET sends no body and `headers` instead (one set per token). */
  method?: 'POST' | 'GET'
  /**
   * Either a body built for each request (registrations need a new email every time), or a fixed set
   * of bodies shared out among the connections, each cycling through its own window. autocannon builds
   * a fixed request once instead of per request: about 8 µs less of its CPU per validation here, CPU
   * it would otherwise take from the server it measures.
   */
  body: (() => string) | readonly string[]
  connections: number
  seconds: number
  serverPid?: number
  /**
   * Requests a second offered by all connections together (autocannon's overallRate): a fixed load
   * below saturation, where latency is the server's and not the queue's. Default: as fast as answered.
   */
  rate?: number
}

const HEADERS = { 'content-type': 'application/json' }
const SPREAD = 8

/**
 * Drives POST `path`; errors count failures, timeouts and non-2xx. With `serverPid`, also the CPU
 * time each request cost the server (all its workers) and the client.
 */
export async function load(url: string, options: LoadOptions): Promise<LoadResult> {
  let serverBefore: number | undefined
  let clientBefore = 0
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon(
      {
        url,
        connections: options.connections,
        duration: options.seconds,
        ...(options.rate === undefined ? {} : { overallRate: options.rate }),
        ...requestsOf(options.method ?? 'POST', options.path, options.body, options.connections),
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    )
    // 'start' comes once the requests are built: what autocannon spends building them is not load.
    run.once('start', () => {
      serverBefore = options.serverPid === undefined ? undefined : processTreeCpuSeconds(options.serverPid)
      clientBefore = ownCpuSeconds()
    })
  })
  const clientSeconds = ownCpuSeconds() - clientBefore
  const serverAfter = options.serverPid === undefined ? undefined : processTreeCpuSeconds(options.serverPid)
  const total = result.requests.total
  const perRequestUs = (seconds: number) => Math.round((seconds / Math.max(total, 1)) * 1e6 * 10) / 10
  return {
    // autocannon's own rate: the mean of its one-second samples, which start with the load.
    perMinute: Math.round(result.requests.average * 60),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    total,
    serverCpuUs: serverBefore === undefined || serverAfter === undefined ? undefined : perRequestUs(serverAfter - serverBefore),
    clientCpuUs: perRequestUs(clientSeconds),
  }
}

function requestsOf(method: 'POST' | 'GET', path: string, body: LoadOptions['body'], connections: number): Partial<autocannon.Options> {
  if (typeof body === 'function') {
    return { requests: [{ method: 'POST', path, headers: HEADERS, setupRequest: (request) => ({ ...request, body: body() }) }] }
  }
  // For a GET, each "body" is the bearer token to send.
  const request = (text: string) =>
    method === 'GET' ? { method, path, headers: { authorization: `Bearer ${text}` } } : { method, path, headers: HEADERS, body: text }
  // Each body goes to SPREAD consecutive connections: the cluster deals connections to its workers in
  // turn, so every worker sees nearly every token, as it would behind a load balancer.
  const stride = Math.ceil(body.length / connections)
  const window = Math.min(body.length, stride * SPREAD)
  let client = 0
  return {
    requests: [request(body[0])],
    // Called once per connection, before the load starts.
    setupClient: (connection) => {
      const start = client++ * stride
      connection.setRequests(Array.from({ length: window }, (_, k) => request(body[(start + k) % body.length])))
    },
  }
}
