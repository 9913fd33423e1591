import type { Middleware } from 'koa'
import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'

/** Until migrations are applied, only probes and docs answer; the API says it is not ready yet. */
export function koaReadiness(context: Context): Middleware {
  return function readiness(ctx, next) {
    if (!context.ready && (ctx.path.startsWith('/auth/') || ctx.path.startsWith('/oauth/') || ctx.path.startsWith('/.well-known/'))) {
      throw new HeimdallError('service.not_ready', 'Service is starting: database migrations are not applied yet')
    }
    return next()
  }
}
