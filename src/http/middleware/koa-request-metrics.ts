import type { Middleware } from 'koa'
import type { Metrics } from '../../context.js'

export const UNMATCHED_ROUTE = 'unmatched'

/**
 * Counts every request (for /health/detailed) and observes its latency by method, route pattern and
 * status (for /metrics). The route is the router's pattern, never the raw path, so that scanners
 * cannot create a series per URL; requests refused before routing (rate limit, readiness, 405) are
 * given the pattern their path would have matched by `routeOf`.
 */
export function koaRequestMetrics(metrics: Metrics, routeOf: (path: string, method: string) => string | undefined): Middleware {
  return async function requestMetrics(ctx, next) {
    metrics.totalRequests++
    const started = performance.now()
    try {
      await next()
    } finally {
      const matched = (ctx as { _matchedRoute?: string | RegExp })._matchedRoute
      const route = matched === undefined ? (routeOf(ctx.path, ctx.method) ?? UNMATCHED_ROUTE) : String(matched)
      metrics.observeRequest(ctx.method, route, ctx.status, (performance.now() - started) / 1000)
    }
  }
}
