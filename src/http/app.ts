import type { IncomingMessage, ServerResponse } from 'node:http'
import Router from '@koa/router'
import Koa from 'koa'
import type { Context } from '../context.js'
import { createPathCanonicalizer } from './canonical-path.js'
import { isClientAbort, logClientAbort } from './client-abort.js'
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
import { oidcDiscoveryRoutes } from './routes/oidc-discovery.js'
import { mfaRoutes } from './routes/mfa.js'
import { passkeyRoutes } from './routes/passkeys.js'
import { accountPages } from './pages/account/index.js'
import type { OidcHost } from './oidc/mount.js'
import { oidcInteractionPages } from './pages/oidc/interaction-pages.js'
import { createPages, type Pages } from './pages/pages.js'
import { oauthRoutes } from './routes/oauth.js'
import { pathsWith, ROUTE_TABLE } from './route-table.js'
import { translateError } from '../usecases/translate-error.js'
import { recoveryPages } from './pages/recovery/index.js'
import { recoveryRoutes } from './routes/recovery.js'
import { ssfRoutes } from './routes/ssf.js'
import { createValidateFastPath } from './validate-fast-path.js'

/**
 * What the HTTP server calls for each request: the path made canonical (canonical-path.ts), then a
 * plain validation on the fast path (validate-fast-path.ts), everything else the Koa app.
 */
export function createRequestListener(context: Context, oidc?: OidcHost): (req: IncomingMessage, res: ServerResponse) => void {
  const { app, routers } = buildApp(context, oidc)
  const handle = app.callback()
  const koa = (req: IncomingMessage, res: ServerResponse) => void handle(req, res)
  const canonicalizePath = createPathCanonicalizer(routers)
  const validateFastPath = createValidateFastPath(context, { logger: context.logger, metrics: context.metrics }, koa)
  return (req, res) => {
    canonicalizePath(req)
    if (!validateFastPath(req, res)) koa(req, res)
  }
}

/** The Koa app: the middleware stack in order, then the routes. Which paths a middleware treats apart is in route-table.ts. */
function buildApp(context: Context, oidc?: OidcHost): { app: Koa; routers: Router[]; budgets: PostRouteBudget[] } {
  const oauthFormPaths = pathsWith('oauthForm')
  const app = new Koa({ proxy: false })
  // Nearly every request is an auth or OAuth one (validation alone is 99%): @koa/router tests a
  // request against each route of a router in turn, so these few are matched first, on their own.
  const authRouter = new Router()
  authRoutes(authRouter, context)
  oauthRoutes(authRouter, context)
  recoveryRoutes(authRouter, context)
  const router = new Router()
  healthRoutes(router, context)
  metricsRoutes(router, context)
  jwksRoutes(router, context)
  discoveryRoutes(router)
  oidcDiscoveryRoutes(router, context, oidc)
  docsRoutes(router)
  mfaRoutes(router, context)
  passkeyRoutes(router, context)
  ssfRoutes(router, context)
  const pages = createPages(router, context)
  recoveryPages(pages)
  accountPages(pages, router)
  if (oidc) oidcInteractionPages(pages, oidc)
  assertDeclared([authRouter, router])
  const budgets = postBudgets([authRouter, router], pages)
  // One set, so that telling a form body from a JSON one stays a single lookup on the hot path.
  const formPaths = new Set([...oauthFormPaths, ...pages.formPaths])

  app.use(koaResponseHeaders())
  app.use(koaRequestObserver({ logger: context.logger, metrics: context.metrics, routeOf: (path, method) => routePattern([authRouter, router], path, method) }))
  app.use(koaErrorHandler(oauthFormPaths, pages))
  app.use(koaJsonBody({ formPaths }))
  app.use(koaReadiness(context))
  app.use(koaRateLimit(context, new Map(budgets.flatMap((route) => (route.spends === undefined ? [] : [[route.path, route.spends]])))))
  app.use(koaExactRoutes(authRouter))
  app.use(router.routes())
  // Sees the routes of both routers: each adds what it matched to ctx.matched. Not thrown, so that
  // the Allow header it sets stays on the error handler's JSON answer.
  app.use(router.allowedMethods())

  // A database outage fails every command for a while: the outage log reports it in a few lines.
  // A client that hangs up is checked first: Node reports it as ECONNRESET, which a database driver's
  // lost connection is too, and it must not raise an outage (client-abort.ts).
  app.on('error', (err: unknown, ctx?: Koa.Context) => {
    if (isClientAbort(err, ctx?.req)) return logClientAbort(context.logger, err, ctx?.req, ctx?.state.requestId)
    if (translateError(err)?.code === 'db.unavailable') return context.databaseOutage.down(err)
    context.logger.error({ err, req_id: ctx?.state.requestId }, 'unexpected error')
  })
  return { app, routers: [authRouter, router], budgets }
}

/** A POST route or page and what it declared about its per-IP budget (route-table.ts, pages.page). */
export interface PostRouteBudget {
  path: string
  /** The endpoint whose budget it spends (its own path, or its API twin's). */
  spends?: string
  /** Why it has none. */
  none?: string
  /** A page (answers a spent budget with a page) rather than an API route (JSON). */
  page: boolean
}

/**
 * Every POST route and page of the app with its budget declaration, as the app is built (the routers'
 * own lists, the pages, the OpenID interaction pages when `oidc` is given): for docs and the test that
 * walks them (test/integration/security/credential-budgets.test.ts).
 */
export function describePostRoutes(context: Context, oidc?: OidcHost): PostRouteBudget[] {
  return buildApp(context, oidc).budgets
}

/**
 * Every route the app's routers declare, as a method and its @koa/router pattern (`/ssf/poll/:streamId`),
 * as the app is built: for the test that finds each API route in the OpenAPI document
 * (test/integration/http/openapi-contract.test.ts). HEAD, which @koa/router adds to every GET, is left out.
 */
export function describeRoutes(context: Context, oidc?: OidcHost): Array<{ method: string; path: string }> {
  return buildApp(context, oidc).routers.flatMap((router) =>
    router.stack.flatMap((layer) => layer.methods.filter((method) => method !== 'HEAD').map((method) => ({ method, path: String(layer.path) }))),
  )
}

/**
 * Each POST route's budget as declared, refusing to build an app where one declares nothing: a route
 * that checks a credential must not be left without a per-IP budget by forgetting to say so. A page
 * spends its own budget or that of a rate-limited API route, never a name nothing limits.
 */
function postBudgets(routers: Router[], pages: Pages): PostRouteBudget[] {
  const budgets: PostRouteBudget[] = []
  for (const router of routers) {
    for (const layer of router.stack) {
      if (!layer.methods.includes('POST')) continue
      const path = String(layer.path)
      const declared = pages.budgets.get(path)
      if (declared !== undefined) {
        if ('spends' in declared && declared.spends !== path && !ROUTE_TABLE.get(declared.spends)?.rateLimited) {
          throw new Error(`The page ${path} spends the budget of ${declared.spends}, which route-table.ts does not rate limit`)
        }
        budgets.push({ path, page: true, ...declared })
        continue
      }
      const rules = ROUTE_TABLE.get(path)
      if (rules?.rateLimited) budgets.push({ path, page: false, spends: path })
      else if (rules?.noBudget !== undefined) budgets.push({ path, page: false, none: rules.noBudget })
      else throw new Error(`POST ${path} declares no per-IP budget: mark it rateLimited in route-table.ts, or say why it needs none (noBudget)`)
    }
  }
  return budgets
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

/** A rule for a path no route declares would never apply: caught when the app is built, not in production. */
function assertDeclared(routers: Router[]): void {
  for (const path of ROUTE_TABLE.keys()) {
    if (!routers.some((router) => router.match(path, 'GET').path.some((layer) => layer.methods.length > 0))) {
      throw new Error(`route-table.ts names ${path}, which no route declares`)
    }
  }
}
