import { randomUUID } from 'node:crypto'
import type { Middleware } from 'koa'
import type { Logger } from '../../infra/logger.js'

const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/
/** Token validation is 99% of the traffic: its request lines are debug, everything else info. */
const QUERY_PATHS = new Set(['/auth/validate', '/auth/me', '/oauth/introspect', '/metrics'])

declare module 'koa' {
  interface DefaultState {
    requestId: string
  }
}

/**
 * A request id in X-Request-Id and in ctx.state, where requestContexts() puts it on every line the
 * use cases log for this request; one summary line per request, with no body and no query.
 */
export function koaRequestLog(logger: Logger): Middleware {
  return async function requestLog(ctx, next) {
    const incoming = ctx.get('x-request-id')
    const requestId = SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID()
    ctx.set('X-Request-Id', requestId)
    ctx.state.requestId = requestId
    const started = performance.now()
    try {
      await next()
    } finally {
      const level = QUERY_PATHS.has(ctx.path) && ctx.status < 500 ? 'debug' : 'info'
      if (logger.isLevelEnabled(level)) {
        const durationMs = Math.round((performance.now() - started) * 100) / 100
        logger[level]({ req_id: requestId, method: ctx.method, path: ctx.path, status: ctx.status, duration_ms: durationMs }, 'request')
      }
    }
  }
}
