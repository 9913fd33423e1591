import type { Middleware } from 'koa'
import { VERSION } from '../../version.js'

/** Headers every response carries, set before anything else can fail. */
export function koaResponseHeaders(): Middleware {
  return async function responseHeaders(ctx, next) {
    ctx.set('X-API-Version', VERSION)
    ctx.set('X-Content-Type-Options', 'nosniff')
    ctx.set('Content-Security-Policy', "frame-ancestors 'none'")
    ctx.set('X-Frame-Options', 'DENY')
    ctx.set('Referrer-Policy', 'no-referrer')
    if (ctx.path.startsWith('/auth/') || ctx.path.startsWith('/oauth/')) ctx.set('Cache-Control', 'no-store')
    await next()
  }
}
