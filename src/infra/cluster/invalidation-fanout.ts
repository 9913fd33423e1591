import type { Logger } from '../logger.js'
import type { SessionReadModel } from '../session-read-model.js'
import { createClusterBus, type Invalidation } from './cluster-bus.js'
import type { RedisBus } from './redis-bus.js'

export type { Invalidation }

export interface RevocationBusStatus {
  type: 'redis' | 'database-poll'
  status: 'connected' | 'disconnected'
}

export interface InvalidationFanout {
  /**
   * Evicts at once in this process, resolves once sibling cluster workers have too, and publishes to
   * Redis when configured (a failed publish is logged on `logger`, never thrown: the other instances'
   * revocation pollers still see it).
   */
  invalidate(invalidation: Invalidation, logger: Logger): Promise<void>
  /** How revocations reach other instances: Redis pub/sub when configured, else each instance's database poll. */
  revocationBus(): RevocationBusStatus
  close(): Promise<void>
}

/**
 * Where a change to a session or user goes, so that no cache goes on trusting it: this process's read
 * model, the sibling workers of a cluster, and other instances through Redis. Servers (`listen`)
 * subscribe to Redis from the start; other processes (the CLI) only publish, and connect when they
 * first do. ioredis is loaded only where Redis is configured: most CLI commands never need it.
 */
export function createInvalidationFanout(options: { sessionStates: SessionReadModel; redisUrl: string | undefined; logger: Logger; listen: boolean }): InvalidationFanout {
  const { sessionStates, redisUrl } = options
  const evict = (invalidation: Invalidation) =>
    invalidation.kind === 'session' ? sessionStates.evictSession(invalidation.id) : sessionStates.evictUser(invalidation.id)
  const clusterBus = createClusterBus(evict)
  let redisBus: RedisBus | undefined
  let redisBusLoading: Promise<RedisBus> | undefined
  const redis = (): Promise<RedisBus> | undefined => {
    if (!redisUrl) return undefined
    redisBusLoading ??= import('./redis-bus.js').then(({ createRedisBus }) => {
      redisBus = createRedisBus({ url: redisUrl, logger: options.logger, subscribe: options.listen ? evict : undefined })
      return redisBus
    })
    return redisBusLoading
  }
  if (options.listen) void redis()

  return {
    async invalidate(invalidation, logger) {
      evict(invalidation)
      const published = redis()
        ?.then((bus) => bus.publish(invalidation))
        .catch((err: unknown) => logger.warn({ err, invalidation }, 'could not publish to redis; other instances see it at their next database poll'))
      await Promise.all([clusterBus.broadcast(invalidation), published])
    },
    revocationBus() {
      return redisUrl ? { type: 'redis', status: redisBus?.status ?? 'disconnected' } : { type: 'database-poll', status: 'connected' }
    },
    async close() {
      clusterBus.close()
      await redisBusLoading?.then((bus) => bus.close())
    },
  }
}
