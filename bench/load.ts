import autocannon from 'autocannon'

export interface LoadResult {
  perMinute: number
  p50: number
  p99: number
  errors: number
  total: number
}

/** Drives POST `path` with a body built per request; errors count failures, timeouts and non-2xx. */
export async function load(url: string, options: { path: string; body: () => string; connections: number; seconds: number }): Promise<LoadResult> {
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
  return {
    perMinute: Math.round((result.requests.total / result.duration) * 60),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    total: result.requests.total,
  }
}
