import type Router from '@koa/router'
import type { Context } from '../../context.js'
import { getDetailedHealth, getHealth, getReadiness } from '../../usecases/queries/get-health.js'

export function healthRoutes(router: Router, context: Context): void {
  router.get('/health', (ctx) => {
    ctx.body = getHealth()
  })

  router.get('/health/detailed', async (ctx) => {
    const health = await getDetailedHealth(context)
    ctx.status = health.status === 'healthy' ? 200 : 503
    ctx.body = health
  })

  router.get('/ready', async (ctx) => {
    const readiness = await getReadiness(context)
    ctx.status = readiness.ready ? 200 : 503
    ctx.body = readiness.ready ? { status: 'ready' } : { status: 'not_ready', reason: readiness.reason }
  })

  router.get('/live', (ctx) => {
    ctx.body = { status: 'alive' }
  })
}
