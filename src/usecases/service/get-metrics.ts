import type { Context } from '../../context.js'
import type { Scrape } from '../../infra/metrics/metrics.js'

/** The Prometheus exposition of this instance, every worker's counts added up: counters, latencies, cache, sessions, pool, runtime. */
export function getMetrics(ctx: Context): Promise<Scrape> {
  return ctx.metrics.scrape()
}
