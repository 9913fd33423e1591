import Router from '@koa/router'
import Koa from 'koa'
import type { Context } from '../context.js'
import { koaErrorHandler } from './middleware/koa-error-handler.js'
import { koaJsonBody } from './middleware/koa-json-body.js'
import { koaRateLimit } from './middleware/koa-rate-limit.js'
import { koaReadiness } from './middleware/koa-readiness.js'
import { koaRequestLog } from './middleware/koa-request-log.js'
import { koaRequestMetrics } from './middleware/koa-request-metrics.js'
import { koaResponseHeaders } from './middleware/koa-response-headers.js'
import { authRoutes } from './routes/auth.js'
import { discoveryRoutes } from './routes/discovery.js'
import { docsRoutes } from './routes/docs.js'
import { healthRoutes } from './routes/health.js'

export function createApp(context: Context): Koa {
  const app = new Koa({ proxy: false })
  const router = new Router()
  authRoutes(router, context)
  healthRoutes(router, context)
  discoveryRoutes(router)
  docsRoutes(router)

  app.use(koaResponseHeaders())
  app.use(koaRequestLog(context.logger))
  app.use(koaRequestMetrics(context.metrics))
  app.use(koaErrorHandler())
  app.use(koaJsonBody())
  app.use(koaReadiness(context))
  app.use(koaRateLimit(context))
  app.use(router.routes())
  app.use(router.allowedMethods({ throw: true }))

  app.on('error', (err: unknown, ctx?: Koa.Context) => context.logger.error({ err, req_id: ctx?.state.requestId }, 'unexpected error'))
  return app
}
