import type Router from '@koa/router'
import type { Context } from '../../context.js'
import { getMetrics } from '../../usecases/queries/get-metrics.js'

export function metricsRoutes(router: Router, context: Context): void {
  router.get('/metrics', async (ctx) => {
    const scrape = await getMetrics(context)
    ctx.type = scrape.contentType
    ctx.set('Cache-Control', 'no-store')
    ctx.body = scrape.body
  })
}
