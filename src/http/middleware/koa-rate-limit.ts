import type { Middleware } from 'koa'
import type { Context } from '../../context.js'
import { consumeRateLimit } from '../../usecases/commands/consume-rate-limit.js'
import { clientIp } from '../client-ip.js'

/** Per-IP budgets on the command endpoints only: validation, the 99% of traffic, is never limited. */
const LIMITED_PATHS = new Set(['/auth/register', '/auth/login', '/auth/refresh'])

export function koaRateLimit(context: Context): Middleware {
  return function rateLimit(ctx, next) {
    if (ctx.method !== 'POST' || !LIMITED_PATHS.has(ctx.path)) return next()
    return consumeRateLimit(context, { endpoint: ctx.path, clientIp: clientIp(ctx, context.config.trustedProxies) }).then(() => next())
  }
}
