import { createSiblingChannel } from './sibling-channel.js'

/** One process's metric families, as prom-client's Registry#getMetricsAsJSON gives them. */
export type MetricsSnapshot = object[]

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
  const channel = createSiblingChannel<null, MetricsSnapshot>('metrics', COLLECT_TIMEOUT_MS, snapshot)
  return {
    async siblingSnapshots() {
      const { answers, missing } = await channel.ask(null)
      if (missing > 0) throw new Error(`${missing} worker(s) did not send their metrics in time`)
      return answers
    },
    close: () => channel.close(),
  }
}
