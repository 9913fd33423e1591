import type Router from '@koa/router'
import type { Middleware } from 'koa'

interface ExactRoute {
  path: string
  handler: Middleware
}

const NO_PARAMS: Record<string, string> = Object.freeze({})

/**
 * `router.routes()`, except that a request whose method and path spell out one of the router's
 * fixed paths goes straight to that route's handler. @koa/router tests the request against every
 * route's regular expression, reads the Host header and composes a new middleware chain for each
 * request: 2.5 to 3 µs of a cached validation's server CPU here (one process at a fixed request
 * rate). The routes are still declared with @koa/router, and every other spelling ("/auth/validate/",
 * another case) is rewritten to the declared path before Koa (canonical-path.ts); a method the route
 * lacks still reaches @koa/router, so its answers do not change.
 * Only routes with one handler take the shortcut, and only where no other route shares the
 * method and path: with several, @koa/router's chain would run them in turn.
 */
export function koaExactRoutes(router: Router): Middleware {
  const routed = router.routes() as Middleware
  if (router.host !== undefined || router.stack.some((layer) => layer.methods.length === 0)) return routed

  const candidates = router.stack.flatMap((layer) =>
    typeof layer.path === 'string' && layer.paramNames.length === 0 ? layer.methods.map((method) => ({ method, path: layer.path as string, layer })) : [],
  )
  const routes = new Map<string, Map<string, ExactRoute>>()
  for (const { method, path, layer } of candidates) {
    const sharedWith = candidates.filter((other) => other.method === method && other.path === path).length
    if (sharedWith > 1 || layer.stack.length !== 1) continue
    let byMethod = routes.get(path)
    if (!byMethod) routes.set(path, (byMethod = new Map()))
    byMethod.set(method, { path, handler: layer.stack[0] as Middleware })
  }

  return function exactRoutes(ctx, next) {
    const route = routes.get(ctx.path)?.get(ctx.method)
    if (route === undefined) return routed(ctx, next)
    // What @koa/router would have set for this route: the access log and metrics read the pattern.
    const routedCtx = ctx as typeof ctx & { _matchedRoute?: string; params?: Record<string, string> }
    routedCtx._matchedRoute = route.path
    routedCtx.params = NO_PARAMS
    return route.handler(ctx, next)
  }
}
