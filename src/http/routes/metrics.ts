import type Router from '@koa/router'
import type { Context } from '../../context.js'
import { getMetrics } from '../../usecases/service/get-metrics.js'
import { requestContexts } from '../request-context.js'

export function metricsRoutes(router: Router, context: Context): void {
  const contextOf = requestContexts(context)
  router.get('/metrics', async (ctx) => {
    const scrape = await getMetrics(contextOf(ctx))
    ctx.type = scrape.contentType
    ctx.set('Cache-Control', 'no-store')
    ctx.body = scrape.body
  })
}
