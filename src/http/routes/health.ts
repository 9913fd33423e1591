import type Router from '@koa/router'
import type { Context } from '../../context.js'
import { getDetailedHealth, getHealth, getReadiness } from '../../usecases/queries/get-health.js'
import { requestContexts } from '../request-context.js'

export function healthRoutes(router: Router, context: Context): void {
  const contextOf = requestContexts(context)
  router.get('/health', (ctx) => {
    ctx.body = getHealth()
  })

  router.get('/health/detailed', async (ctx) => {
    const health = await getDetailedHealth(contextOf(ctx))
    ctx.status = health.status === 'healthy' ? 200 : 503
    ctx.body = health
  })

  router.get('/ready', async (ctx) => {
    const readiness = await getReadiness(contextOf(ctx))
    ctx.status = readiness.ready ? 200 : 503
    ctx.body = readiness.ready ? { status: 'ready' } : { status: 'not_ready', reason: readiness.reason }
  })

  router.get('/live', (ctx) => {
    ctx.body = { status: 'alive' }
  })
}
