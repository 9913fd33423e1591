import cluster, { type Worker } from 'node:cluster'

/** A change that makes cached session states stale. */
export interface Invalidation {
  kind: 'session' | 'user'
  id: string
}

interface BroadcastMessage {
  type: 'heimdall:broadcast'
  id: number
  invalidation: Invalidation
}
interface ApplyMessage {
  type: 'heimdall:apply'
  id: number
  invalidation: Invalidation
}
interface AckMessage {
  type: 'heimdall:applied' | 'heimdall:applied-everywhere'
  id: number
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
  if (!cluster.isWorker || !process.send) return { broadcast: async () => {}, close: () => {} }
  const waiting = new Map<number, () => void>()
  let sequence = 0

  const onMessage = (message: ApplyMessage | AckMessage) => {
    if (message?.type === 'heimdall:apply') {
      apply(message.invalidation)
      process.send!({ type: 'heimdall:applied', id: message.id } satisfies AckMessage)
    } else if (message?.type === 'heimdall:applied-everywhere') {
      waiting.get(message.id)?.()
    }
  }
  process.on('message', onMessage)

  return {
    broadcast(invalidation) {
      const id = ++sequence
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer)
          waiting.delete(id)
          resolve()
        }
        const timer = setTimeout(done, ACK_TIMEOUT_MS)
        waiting.set(id, done)
        process.send!({ type: 'heimdall:broadcast', id, invalidation } satisfies BroadcastMessage)
      })
    },
    close() {
      process.off('message', onMessage)
    },
  }
}

/** Primary side: relays each worker's invalidation to the others and tells it when all have applied it. */
export function relayClusterInvalidations(): void {
  let relaySequence = 0
  const pendingAcks = new Map<number, () => void>()

  cluster.on('message', (origin: Worker, message: BroadcastMessage | AckMessage) => {
    if (message?.type === 'heimdall:applied') {
      pendingAcks.get(message.id)?.()
      return
    }
    if (message?.type !== 'heimdall:broadcast') return
    const siblings = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => !!worker && worker !== origin && worker.isConnected())
    const acks = siblings.map((worker) => {
      const relayId = ++relaySequence
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, ACK_TIMEOUT_MS)
        function done() {
          clearTimeout(timer)
          pendingAcks.delete(relayId)
          resolve()
        }
        pendingAcks.set(relayId, done)
        worker.send({ type: 'heimdall:apply', id: relayId, invalidation: message.invalidation } satisfies ApplyMessage)
      })
    })
    void Promise.all(acks).then(() => {
      if (origin.isConnected()) origin.send({ type: 'heimdall:applied-everywhere', id: message.id } satisfies AckMessage)
    })
  })
}
