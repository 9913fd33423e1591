import type Router from '@koa/router'
import type { Context } from '../../context.js'
import { getDetailedHealth, getHealth, getReadiness, type DetailedHealth, type Health } from '../../usecases/service/get-health.js'
import { requestContexts } from '../request-context.js'

export function healthRoutes(router: Router, context: Context): void {
  const contextOf = requestContexts(context)
  router.get('/health', (ctx) => {
    const health = getHealth(context)
    ctx.status = health.status === 'healthy' ? 200 : 503
    ctx.body = healthBody(health)
  })

  router.get('/health/detailed', async (ctx) => {
    const health = await getDetailedHealth(contextOf(ctx))
    ctx.status = health.status === 'healthy' ? 200 : 503
    ctx.body = detailedHealthBody(health)
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

function healthBody(health: Health) {
  return { status: health.status, timestamp: new Date(health.checkedAt).toISOString(), version: health.version }
}

function detailedHealthBody(health: DetailedHealth) {
  const { system, dependencies, metrics } = health
  const { database } = dependencies
  return {
    ...healthBody(health),
    environment: health.environment,
    system: { node_version: system.nodeVersion, uptime: system.uptimeSeconds, pid: system.pid, memory_rss_mb: system.memoryRssMb },
    dependencies: {
      database: {
        status: database.status,
        type: database.type,
        latency_ms: database.latencyMs,
        ...(database.error === undefined ? {} : { error: database.error }),
      },
      cache: dependencies.cache,
      revocations: dependencies.revocations,
    },
    metrics: { total_requests: metrics.totalRequests, active_sessions: metrics.activeSessions, cache_hit_rate: metrics.cacheHitRate },
  }
}
