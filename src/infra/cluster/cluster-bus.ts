import { createSiblingChannel } from './sibling-channel.js'

/** A change that makes cached session states stale. */
export interface Invalidation {
  kind: 'session' | 'user'
  id: string
}

const ACK_TIMEOUT_MS = 1000

export interface ClusterBus {
  /** Resolves once every sibling worker has applied the invalidation (or timed out). */
  broadcast(invalidation: Invalidation): Promise<void>
  close(): void
}

/**
 * Worker side: a revocation on one worker reaches its siblings before the request that made it
 * answers, so the very next validation on any worker sees it. Outside a cluster it does nothing.
 */
export function createClusterBus(apply: (invalidation: Invalidation) => void): ClusterBus {
  const channel = createSiblingChannel<Invalidation, true>('invalidation', ACK_TIMEOUT_MS, (invalidation) => {
    apply(invalidation)
    return true
  })
  return {
    broadcast: async (invalidation) => {
      await channel.ask(invalidation)
    },
    close: () => channel.close(),
  }
}
