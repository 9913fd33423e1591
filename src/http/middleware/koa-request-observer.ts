import type { Middleware } from 'koa'
import { finishObservation, startObservation, type ObservationSinks } from '../request-observation.js'
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
 * What every request to the Koa app leaves behind (request-observation.ts: a request id, one access
 * line, a count and its latency), in one layer because all of it happens at the same two moments. The
 * request id also goes in ctx.state, where requestContexts() puts it on every line the use cases log
 * for this request. The route is the router's pattern; requests refused before routing (rate limit,
 * readiness, 405) get the pattern their path would have matched from `routeOf`.
 */
export function koaRequestObserver(options: ObservationSinks & { routeOf: (path: string, method: string) => string | undefined }): Middleware {
  const { routeOf } = options
  return async function requestObserver(ctx, next) {
    const observation = startObservation(options, ctx.res, ctx.get('x-request-id'))
    ctx.state.requestId = observation.requestId
    try {
      await next()
    } finally {
      // @koa/router's pattern of the route that took the request; a quiet route with a parameter
      // (a Shared Signals poll) is named in the route table by its pattern.
      const matched = (ctx as { _matchedRoute?: string | RegExp })._matchedRoute
      const route = matched === undefined ? (routeOf(ctx.path, ctx.method) ?? UNMATCHED_ROUTE) : String(matched)
      finishObservation(options, observation, { method: ctx.method, path: ctx.path, route, status: ctx.status, quiet: QUERY_PATHS.has(ctx.path) || QUERY_PATHS.has(route) })
    }
  }
}
