import type { Context } from '../../context.js'
import type { DatabaseType } from '../../config.js'
import { pingDatabase } from '../../infra/db/probe.js'
import { VERSION } from '../../version.js'

export interface Health {
  /** "starting" until the server can take commands (migrations applied, first signing key created). */
  status: 'healthy' | 'unhealthy' | 'starting'
  /** Epoch ms of the check. */
  checkedAt: number
  version: string
}

export interface DetailedHealth extends Health {
  environment: string
  system: { nodeVersion: string; uptimeSeconds: number; pid: number; memoryRssMb: number }
  dependencies: {
    database: { status: 'healthy' | 'unhealthy'; type: DatabaseType; latencyMs: number | null; error?: string }
    cache: { status: 'healthy'; type: 'node-cache'; keys: number; hits: number; misses: number }
    revocations: ReturnType<Context['revocationBus']>
  }
  metrics: { totalRequests: number; activeSessions: number | null; cacheHitRate: number }
}

const DATABASE_TIMEOUT_MS = 2000

/**
 * The process's health without touching the database. A server listens before it has migrated and
 * created its first signing key (so that /live and /ready answer meanwhile): until then it is
 * "starting", not "healthy", because a client that waits for /health sends commands next.
 */
export function getHealth(ctx: Context): Health {
  return { status: ctx.ready ? 'healthy' : 'starting', checkedAt: ctx.clock.now(), version: VERSION }
}

export async function getDetailedHealth(ctx: Context): Promise<DetailedHealth> {
  const database = await databaseAnswer(ctx)
  const activeSessions = database.ok ? await ctx.readers.sessions.countActiveSessions(ctx.clock.now()).catch(() => null) : null
  const cache = ctx.sessionStates.stats()
  const health = getHealth(ctx)
  return {
    ...health,
    status: health.status === 'starting' ? 'starting' : database.ok ? 'healthy' : 'unhealthy',
    environment: ctx.config.environment,
    // Uptime is elapsed real time since the metrics began (the system clock, like startedAt).
    system: { nodeVersion: process.version, uptimeSeconds: Math.round((Date.now() - ctx.metrics.startedAt) / 1000), pid: process.pid, memoryRssMb: Math.round(process.memoryUsage.rss() / 2 ** 20) },
    dependencies: {
      database: {
        status: database.ok ? 'healthy' : 'unhealthy',
        type: ctx.config.databaseType,
        latencyMs: database.latencyMs,
        ...(database.ok ? {} : { error: 'Database did not answer' }),
      },
      cache: { status: 'healthy', type: 'node-cache', keys: cache.keys, hits: cache.hits, misses: cache.misses },
      revocations: ctx.revocationBus(),
    },
    metrics: { totalRequests: ctx.metrics.totalRequests, activeSessions, cacheHitRate: cache.hitRate },
  }
}

/** Ready means: migrations applied and the database answering. */
export async function getReadiness(ctx: Context): Promise<{ ready: boolean; reason?: string }> {
  if (!ctx.ready) return { ready: false, reason: 'Migrations have not been applied yet' }
  const database = await databaseAnswer(ctx)
  return database.ok ? { ready: true } : { ready: false, reason: 'Database did not answer' }
}

/** Whether the database answered within 2 s, and how fast (milliseconds, two decimals). */
async function databaseAnswer(ctx: Context): Promise<{ ok: boolean; latencyMs: number | null }> {
  try {
    const ms = await pingDatabase(ctx.db, DATABASE_TIMEOUT_MS)
    return { ok: true, latencyMs: Math.round(ms * 100) / 100 }
  } catch {
    return { ok: false, latencyMs: null }
  }
}
