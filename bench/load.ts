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

/**
 * Drives POST `path` with a body built per request; errors count failures, timeouts and non-2xx.
 * With `serverPid`, also the CPU time each request cost the server (all its workers) and the client.
 */
export async function load(url: string, options: { path: string; body: () => string; connections: number; seconds: number; serverPid?: number }): Promise<LoadResult> {
  const serverBefore = options.serverPid === undefined ? undefined : processTreeCpuSeconds(options.serverPid)
  const clientBefore = ownCpuSeconds()
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    requests: [
      {
        method: 'POST',
        path: options.path,
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: options.body() }),
      },
    ],
  })
  const clientSeconds = ownCpuSeconds() - clientBefore
  const serverAfter = options.serverPid === undefined ? undefined : processTreeCpuSeconds(options.serverPid)
  const total = result.requests.total
  const perRequestUs = (seconds: number) => Math.round((seconds / Math.max(total, 1)) * 1e6 * 10) / 10
  return {
    perMinute: Math.round((total / result.duration) * 60),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    total,
    serverCpuUs: serverBefore === undefined || serverAfter === undefined ? undefined : perRequestUs(serverAfter - serverBefore),
    clientCpuUs: perRequestUs(clientSeconds),
  }
}
