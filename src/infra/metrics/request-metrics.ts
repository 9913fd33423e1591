/**
 * HTTP requests counted and their latency bucketed as plain numbers, rendered in the Prometheus text
 * format only when scraped: prom-client's observe() builds a label key string and a closure on every
 * call, most of a microsecond on a path that takes about thirty.
 */

export type RequestMetrics = ReturnType<typeof createRequestMetrics>

type Labels = Record<string, string | number>

/** One metric family in prom-client's JSON shape (MetricObjectWithValues). */
export interface RequestFamily {
  name: string
  help: string
  type: 'counter' | 'histogram'
  aggregator: 'sum'
  values: { labels: Labels; value: number; metricName?: string }[]
}

interface RequestTally {
  labels: Labels
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
      byStatus.set(status, (tally = { labels: { method, route, status }, count: 0, sum: 0, buckets: new Array<number>(bounds.length + 1).fill(0) }))
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

    /**
     * Both families as prom-client's JSON (what Registry#getMetricsAsJSON gives), so that one
     * renderer prints them and the workers' copies add up like every other family.
     */
    toJSON(): RequestFamily[] {
      const all = [...tallies.values()].flatMap((byMethod) => [...byMethod.values()].flatMap((byStatus) => [...byStatus.values()]))
      const histogram: RequestFamily['values'] = []
      for (const tally of all) {
        let cumulative = 0
        bounds.forEach((bound, index) => {
          cumulative += tally.buckets[index]
          histogram.push({ labels: { ...tally.labels, le: bound }, value: cumulative, metricName: `${HISTOGRAM}_bucket` })
        })
        histogram.push({ labels: { ...tally.labels, le: '+Inf' }, value: tally.count, metricName: `${HISTOGRAM}_bucket` })
        histogram.push({ labels: tally.labels, value: tally.sum, metricName: `${HISTOGRAM}_sum` })
        histogram.push({ labels: tally.labels, value: tally.count, metricName: `${HISTOGRAM}_count` })
      }
      return [
        {
          name: COUNTER,
          help: 'HTTP requests by method, matched route pattern and status',
          type: 'counter',
          aggregator: 'sum',
          values: all.map((tally) => ({ labels: tally.labels, value: tally.count })),
        },
        { name: HISTOGRAM, help: 'HTTP request latency by method, matched route pattern and status', type: 'histogram', aggregator: 'sum', values: histogram },
      ]
    },
  }
}
