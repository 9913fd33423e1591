import { randomUUID } from 'node:crypto'
import type { Middleware } from 'koa'
import type { Metrics } from '../../context.js'
import type { Logger } from '../../infra/logger.js'
import { SAFE_REQUEST_ID } from '../request-id.js'
import { pathsWith } from '../route-table.js'

export const UNMATCHED_ROUTE = 'unmatched'
/** Token validation is 99% of the traffic: its request lines (and the route table's other quietLog ones) are debug, everything else info. */
const QUERY_PATHS = pathsWith('quietLog')

declare module 'koa' {
  interface DefaultState {
    requestId: string
  }
}

/**
 * What every request leaves behind, in one layer because all of it happens at the same two moments:
 * - a request id, in X-Request-Id and in ctx.state, where requestContexts() puts it on every line the
 *   use cases log for this request;
 * - one access line, with no body and no query;
 * - a count (for /health/detailed) and its latency by method, route pattern and status (for /metrics).
 *   The route is the router's pattern, never the raw path, so that scanners cannot create a series per
 *   URL; requests refused before routing (rate limit, readiness, 405) get the pattern their path would
 *   have matched from `routeOf`.
 */
export function koaRequestObserver(options: { logger: Logger; metrics: Metrics; routeOf: (path: string, method: string) => string | undefined }): Middleware {
  const { logger, metrics, routeOf } = options
  return async function requestObserver(ctx, next) {
    const incoming = ctx.get('x-request-id')
    const requestId = SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID()
    ctx.res.setHeader('X-Request-Id', requestId)
    ctx.state.requestId = requestId
    metrics.totalRequests++
    const started = performance.now()
    try {
      await next()
    } finally {
      const seconds = (performance.now() - started) / 1000
      const matched = (ctx as { _matchedRoute?: string | RegExp })._matchedRoute
      const route = matched === undefined ? (routeOf(ctx.path, ctx.method) ?? UNMATCHED_ROUTE) : String(matched)
      metrics.observeRequest(ctx.method, route, ctx.status, seconds)
      const level = QUERY_PATHS.has(ctx.path) && ctx.status < 500 ? 'debug' : 'info'
      if (logger.isLevelEnabled(level)) {
        logger[level]({ req_id: requestId, method: ctx.method, path: ctx.path, status: ctx.status, duration_ms: Math.round(seconds * 100_000) / 100 }, 'request')
      }
    }
  }
}
