import type { IncomingMessage } from 'node:http'
import type Router from '@koa/router'
import { pathOfUrl } from './request-path.js'

/**
 * Rewrites a request's path to the declared path of the route @koa/router would route it to, before
 * Koa sees it: the router matches paths case-insensitively and with or without a trailing slash (its
 * `sensitive: false, strict: false`), so "/AUTH/refresh" and "/auth/refresh/" reach the handler of
 * "/auth/refresh". Every middleware that decides by path (the rate limit, the form-only body of OAuth
 * endpoints, their error shape, readiness, Cache-Control, the log level) then decides alike for every
 * spelling that reaches a handler, instead of only for the one spelled in route-table.ts.
 *
 * On the hot path (a declared path, spelled as declared, no query string) this is one Set lookup on
 * req.url, before Koa: no middleware of its own. Only the routes' fixed paths are rewritten (Heimdall
 * has no routes with parameters); the query string is kept.
 */
export function createPathCanonicalizer(routers: Router[]): (req: IncomingMessage) => void {
  const declared = new Set<string>()
  for (const router of routers) {
    for (const layer of router.stack) if (isFixedRoute(layer)) declared.add(layer.path as string)
  }
  return function canonicalizePath(req) {
    const url = req.url ?? '/'
    if (declared.has(url)) return
    const path = pathOfUrl(url)
    if (declared.has(path)) return
    const canonical = declaredPathOf(routers, path, req.method ?? 'GET')
    if (canonical !== undefined) req.url = canonical + url.slice(path.length)
  }
}

type Layer = Router['stack'][number]

function isFixedRoute(layer: Layer): boolean {
  return typeof layer.path === 'string' && layer.paramNames.length === 0 && layer.methods.length > 0
}

/** The declared path of the fixed route that `path` matches (for any method: a 405 is answered alike). */
function declaredPathOf(routers: Router[], path: string, method: string): string | undefined {
  for (const router of routers) {
    const layer = router.match(path, method).path.find(isFixedRoute)
    if (layer !== undefined) return layer.path as string
  }
  return undefined
}
