/**
 * HTTP requests counted and their latency bucketed as plain numbers, rendered in the Prometheus text
 * format only when scraped: prom-client's observe() builds a label key string and a closure on every
 * call, most of a microsecond on a path that takes about thirty.
 */

export type RequestMetrics = ReturnType<typeof createRequestMetrics>

interface RequestTally {
  labels: string
  count: number
  sum: number
  /** Observations per bucket (not cumulative): index i counts those in (bounds[i-1], bounds[i]]; the last one, above every bound. */
  buckets: number[]
}

const COUNTER = 'heimdall_http_requests_total'
const HISTOGRAM = 'heimdall_http_request_duration_seconds'

export function createRequestMetrics(bounds: readonly number[]) {
  // route -> method -> status: no key string to build per request.
  const tallies = new Map<string, Map<string, Map<number, RequestTally>>>()

  function tallyFor(method: string, route: string, status: number): RequestTally {
    let byMethod = tallies.get(route)
    if (!byMethod) tallies.set(route, (byMethod = new Map()))
    let byStatus = byMethod.get(method)
    if (!byStatus) byMethod.set(method, (byStatus = new Map()))
    let tally = byStatus.get(status)
    if (!tally) {
      const labels = `method="${labelValue(method)}",route="${labelValue(route)}",status="${status}"`
      byStatus.set(status, (tally = { labels, count: 0, sum: 0, buckets: new Array<number>(bounds.length + 1).fill(0) }))
    }
    return tally
  }

  return {
    observe(method: string, route: string, status: number, seconds: number): void {
      const tally = tallyFor(method, route, status)
      tally.count++
      tally.sum += seconds
      let bucket = 0
      while (bucket < bounds.length && seconds > bounds[bucket]) bucket++
      tally.buckets[bucket]++
    },

    /** Both families, in the text exposition format (version 0.0.4). */
    render(): string {
      const all = [...tallies.values()].flatMap((byMethod) => [...byMethod.values()].flatMap((byStatus) => [...byStatus.values()]))
      const lines = [
        `# HELP ${COUNTER} HTTP requests by method, matched route pattern and status`,
        `# TYPE ${COUNTER} counter`,
        ...all.map((tally) => `${COUNTER}{${tally.labels}} ${tally.count}`),
        `# HELP ${HISTOGRAM} HTTP request latency by method, matched route pattern and status`,
        `# TYPE ${HISTOGRAM} histogram`,
      ]
      for (const tally of all) {
        let cumulative = 0
        bounds.forEach((bound, index) => {
          cumulative += tally.buckets[index]
          lines.push(`${HISTOGRAM}_bucket{${tally.labels},le="${bound}"} ${cumulative}`)
        })
        lines.push(`${HISTOGRAM}_bucket{${tally.labels},le="+Inf"} ${tally.count}`)
        lines.push(`${HISTOGRAM}_sum{${tally.labels}} ${tally.sum}`)
        lines.push(`${HISTOGRAM}_count{${tally.labels}} ${tally.count}`)
      }
      return `${lines.join('\n')}\n`
    },
  }
}

/** Label values escape backslash, double quote and line feed (the text format's rules). */
function labelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (char) => (char === '\n' ? '\\n' : `\\${char}`))
}
