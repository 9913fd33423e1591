import type { Middleware } from 'koa'
import { VERSION } from '../../version.js'
import { API_PREFIXES, inArea } from '../route-table.js'
import { setSecurityHeaders } from '../security-headers.js'

/** The Koa app's own Content-Security-Policy on every answer: an API answer is never framed. */
export const API_CSP = "frame-ancestors 'none'"

/**
 * Headers every response of the Koa app carries (security-headers.ts, and its own), set before
 * anything else can fail. Straight on the Node response: ctx.set adds two layers of calls per header,
 * on every request of the hot path.
 */
export function koaResponseHeaders(): Middleware {
  return function responseHeaders(ctx, next) {
    const { res } = ctx
    res.setHeader('X-API-Version', VERSION)
    setSecurityHeaders(res)
    res.setHeader('Content-Security-Policy', API_CSP)
    if (inArea(ctx.path, API_PREFIXES)) res.setHeader('Cache-Control', 'no-store')
    return next()
  }
}
