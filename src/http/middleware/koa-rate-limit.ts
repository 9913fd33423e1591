import type { Middleware } from 'koa'
import type { Context } from '../../context.js'
import { consumeRateLimit } from '../../usecases/commands/consume-rate-limit.js'
import { clientIp } from '../client-ip.js'
import { pathsWith } from '../route-table.js'

/** Per-IP budgets on the command endpoints only (the route table's rateLimited): validation, the 99% of traffic, is never limited. */
const LIMITED_PATHS = pathsWith('rateLimited')

export function koaRateLimit(context: Context): Middleware {
  return function rateLimit(ctx, next) {
    if (ctx.method !== 'POST' || !LIMITED_PATHS.has(ctx.path)) return next()
    return consumeRateLimit(context, { endpoint: ctx.path, clientIp: clientIp(ctx, context.config.trustedProxies) }).then(() => next())
  }
}
