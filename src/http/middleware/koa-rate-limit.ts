import type { Middleware } from 'koa'
import type { Context } from '../../context.js'
import { consumeRateLimit } from '../../usecases/throttling/consume-rate-limit.js'
import { clientIp } from '../client-ip.js'
import { ROUTE_TABLE } from '../route-table.js'

/**
 * Per-IP budgets (HEIMDALL_RATE_LIMIT_PER_MINUTE) on the POSTs that check a credential or cost a write:
 * the API routes the route table marks rateLimited, each spending its own budget, and the pages that
 * declared one (`spentBy`: page path to the endpoint whose budget it spends, its API twin's or its
 * own). Validation, the 99% of traffic, is never limited. A spent budget throws request.rate_limited
 * (429, Retry-After), which the error handler renders as JSON or, on a page path, as a page.
 */
export function koaRateLimit(context: Context, spentBy: ReadonlyMap<string, string> = new Map()): Middleware {
  const budgetOf = new Map<string, string>([...ROUTE_TABLE].filter(([, rules]) => rules.rateLimited).map(([path]) => [path, path]))
  for (const [path, endpoint] of spentBy) budgetOf.set(path, endpoint)
  return function rateLimit(ctx, next) {
    const endpoint = ctx.method === 'POST' ? budgetOf.get(ctx.path) : undefined
    if (endpoint === undefined) return next()
    return consumeRateLimit(context, { endpoint, clientIp: clientIp(ctx, context.config.trustedProxies) }).then(() => next())
  }
}
