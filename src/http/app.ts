import Router from '@koa/router'
import Koa from 'koa'
import type { Context } from '../context.js'
import { koaErrorHandler } from './middleware/koa-error-handler.js'
import { koaExactRoutes } from './middleware/koa-exact-routes.js'
import { koaJsonBody } from './middleware/koa-json-body.js'
import { koaRateLimit } from './middleware/koa-rate-limit.js'
import { koaReadiness } from './middleware/koa-readiness.js'
import { koaRequestObserver } from './middleware/koa-request-observer.js'
import { koaResponseHeaders } from './middleware/koa-response-headers.js'
import { authRoutes } from './routes/auth.js'
import { discoveryRoutes } from './routes/discovery.js'
import { docsRoutes } from './routes/docs.js'
import { healthRoutes } from './routes/health.js'
import { jwksRoutes } from './routes/jwks.js'
import { metricsRoutes } from './routes/metrics.js'
import { OAUTH_FORM_PATHS, oauthRoutes } from './routes/oauth.js'
import { createPages } from './pages/pages.js'

export function createApp(context: Context): Koa {
  const app = new Koa({ proxy: false })
  // Nearly every request is an auth or OAuth one (validation alone is 99%): @koa/router tests a
  // request against each route of a router in turn, so these few are matched first, on their own.
  const authRouter = new Router()
  authRoutes(authRouter, context)
  oauthRoutes(authRouter, context)
  const router = new Router()
  healthRoutes(router, context)
  metricsRoutes(router, context)
  jwksRoutes(router, context)
  discoveryRoutes(router)
  docsRoutes(router)
  const pages = createPages(router, context)
  // One set, so that telling a form body from a JSON one stays a single lookup on the hot path.
  const formPaths = new Set([...OAUTH_FORM_PATHS, ...pages.formPaths])

  app.use(koaResponseHeaders())
  app.use(koaRequestObserver({ logger: context.logger, metrics: context.metrics, routeOf: (path, method) => routePattern([authRouter, router], path, method) }))
  app.use(koaErrorHandler(OAUTH_FORM_PATHS, pages))
  app.use(koaJsonBody({ formPaths }))
  app.use(koaReadiness(context))
  app.use(koaRateLimit(context))
  app.use(koaExactRoutes(authRouter))
  app.use(router.routes())
  // Sees the routes of both routers: each adds what it matched to ctx.matched. Not thrown, so that
  // the Allow header it sets stays on the error handler's JSON answer.
  app.use(router.allowedMethods())

  app.on('error', (err: unknown, ctx?: Koa.Context) => context.logger.error({ err, req_id: ctx?.state.requestId }, 'unexpected error'))
  return app
}

/** The pattern of the route a path belongs to, for requests answered before the router ran. */
function routePattern(routers: Router[], path: string, method: string): string | undefined {
  for (const router of routers) {
    const matched = router.match(path, method)
    const layer = matched.pathAndMethod.at(-1) ?? matched.path.findLast((candidate) => candidate.methods.length > 0)
    if (layer !== undefined) return String(layer.path)
  }
  return undefined
}
