import type { Middleware } from 'koa'
import type { Metrics } from '../../context.js'

export function koaRequestMetrics(metrics: Metrics): Middleware {
  return async function requestMetrics(_ctx, next) {
    metrics.totalRequests++
    await next()
  }
}
