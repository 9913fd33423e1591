import type { Middleware } from 'koa'
import type { Context } from '../../context.js'
import { consumeRateLimit } from '../../usecases/commands/consume-rate-limit.js'
import { clientIp } from '../client-ip.js'
import { ROUTE_TABLE } from '../route-table.js'

/**
 * Per-IP budgets on the command endpoints only (the route table's rateLimited): validation, the 99% of
 * traffic, is never limited. Each limited path maps to the endpoint whose budget it spends.
 */
const BUDGET_OF = new Map([...ROUTE_TABLE].filter(([, rules]) => rules.rateLimited).map(([path, rules]) => [path, rules.rateLimitedAs ?? path]))

export function koaRateLimit(context: Context): Middleware {
  return function rateLimit(ctx, next) {
    const endpoint = ctx.method === 'POST' ? BUDGET_OF.get(ctx.path) : undefined
    if (endpoint === undefined) return next()
    return consumeRateLimit(context, { endpoint, clientIp: clientIp(ctx, context.config.trustedProxies) }).then(() => next())
  }
}
