import { randomUUID } from 'node:crypto'
import type { Middleware } from 'koa'
import type { Logger } from '../../infra/logger.js'

const SAFE_REQUEST_ID = /^[\w.:-]{1,128}$/

declare module 'koa' {
  interface DefaultState {
    log: Logger
    requestId: string
  }
}

/** A request id on every log line and in X-Request-Id; one line per request, with no body and no query. */
export function koaRequestLog(logger: Logger): Middleware {
  return async function requestLog(ctx, next) {
    const incoming = ctx.get('x-request-id')
    const requestId = SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID()
    ctx.set('X-Request-Id', requestId)
    ctx.state.requestId = requestId
    ctx.state.log = logger.child({ req_id: requestId })
    const started = performance.now()
    try {
      await next()
    } finally {
      ctx.state.log.info(
        { method: ctx.method, path: ctx.path, status: ctx.status, duration_ms: Math.round((performance.now() - started) * 100) / 100 },
        'request',
      )
    }
  }
}
