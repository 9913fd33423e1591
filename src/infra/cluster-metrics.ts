import cluster, { type Worker } from 'node:cluster'

/** One process's metric families, as prom-client's Registry#getMetricsAsJSON gives them. */
export type MetricsSnapshot = object[]

interface RequestMessage {
  type: 'heimdall:metrics-request'
  id: number
}
interface CollectMessage {
  type: 'heimdall:metrics-collect'
  id: number
}
interface SnapshotMessage {
  type: 'heimdall:metrics-snapshot'
  id: number
  snapshot: MetricsSnapshot
}
interface SnapshotsMessage {
  type: 'heimdall:metrics-snapshots'
  id: number
  snapshots: MetricsSnapshot[]
  missing: number
}

/** A sibling busy for this long fails the scrape rather than leaving its counts out of it. */
const COLLECT_TIMEOUT_MS = 2000

export interface ClusterMetrics {
  /** The other workers' snapshots; none outside a cluster. Rejects if one of them did not answer. */
  siblingSnapshots(): Promise<MetricsSnapshot[]>
  close(): void
}

/**
 * Worker side. The workers of `serve --workers N` share one port, so a scrape reaches one of them at
 * random: that worker gathers its siblings' counts through the primary and answers for all of them,
 * as one process would. Outside a cluster it does nothing.
 */
export function createClusterMetrics(snapshot: () => Promise<MetricsSnapshot>): ClusterMetrics {
  if (!cluster.isWorker || !process.send) return { siblingSnapshots: async () => [], close: () => {} }
  const waiting = new Map<number, (message: SnapshotsMessage) => void>()
  let sequence = 0

  const onMessage = (message: CollectMessage | SnapshotsMessage) => {
    if (message?.type === 'heimdall:metrics-collect') {
      void snapshot().then(
        (own) => process.send!({ type: 'heimdall:metrics-snapshot', id: message.id, snapshot: own } satisfies SnapshotMessage),
        // Unanswered: the asking worker's scrape fails after the timeout, as for a busy worker.
        () => {},
      )
    } else if (message?.type === 'heimdall:metrics-snapshots') {
      waiting.get(message.id)?.(message)
    }
  }
  process.on('message', onMessage)

  return {
    siblingSnapshots() {
      const id = ++sequence
      return new Promise<MetricsSnapshot[]>((resolve, reject) => {
        // The primary answers within its own timeout; this one only covers a primary that is gone.
        const timer = setTimeout(() => settle(undefined), COLLECT_TIMEOUT_MS * 2)
        function settle(message: SnapshotsMessage | undefined) {
          clearTimeout(timer)
          waiting.delete(id)
          if (message && message.missing === 0) resolve(message.snapshots)
          else reject(new Error(`${message?.missing ?? 'some'} worker(s) did not send their metrics in time`))
        }
        waiting.set(id, settle)
        process.send!({ type: 'heimdall:metrics-request', id } satisfies RequestMessage)
      })
    },
    close() {
      process.off('message', onMessage)
    },
  }
}

/** Primary side: asks every other worker for its snapshot and hands them all to the worker that asked. */
export function relayClusterMetrics(): void {
  let relaySequence = 0
  const pending = new Map<number, (snapshot: MetricsSnapshot) => void>()

  cluster.on('message', (origin: Worker, message: RequestMessage | SnapshotMessage) => {
    if (message?.type === 'heimdall:metrics-snapshot') {
      pending.get(message.id)?.(message.snapshot)
      return
    }
    if (message?.type !== 'heimdall:metrics-request') return
    const siblings = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => !!worker && worker !== origin && worker.isConnected())
    const answers = siblings.map((worker) => {
      const relayId = ++relaySequence
      return new Promise<MetricsSnapshot | undefined>((resolve) => {
        const timer = setTimeout(() => done(undefined), COLLECT_TIMEOUT_MS)
        function done(snapshot: MetricsSnapshot | undefined) {
          clearTimeout(timer)
          pending.delete(relayId)
          resolve(snapshot)
        }
        pending.set(relayId, done)
        worker.send({ type: 'heimdall:metrics-collect', id: relayId } satisfies CollectMessage)
      })
    })
    void Promise.all(answers).then((snapshots) => {
      const received = snapshots.filter((snapshot): snapshot is MetricsSnapshot => snapshot !== undefined)
      const reply: SnapshotsMessage = { type: 'heimdall:metrics-snapshots', id: message.id, snapshots: received, missing: snapshots.length - received.length }
      if (origin.isConnected()) origin.send(reply)
    })
  })
}
