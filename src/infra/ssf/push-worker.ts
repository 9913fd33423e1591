import { isDatabaseUnavailable } from '../db/database-errors.js'
import type { Logger } from '../logger.js'
import type { OutageLog } from '../outage-log.js'

/**
 * The push sender's timer: one round every `intervalMs` (HEIMDALL_SSF_PUSH_INTERVAL_MS), never two at
 * once, unref'd so it never keeps a process alive. A failed round is logged (an outage once, by the outage log) and the next one runs.
 * stop() waits for the round in progress.
 */
export function startSsfPushWorker(options: { intervalMs: number; round: () => Promise<unknown>; isReady: () => boolean; logger: Logger; databaseOutage: OutageLog }): { stop(): Promise<void> } {
  let stopped = false
  let running: Promise<void> = Promise.resolve()
  let timer: NodeJS.Timeout | undefined
  const schedule = () => {
    if (stopped) return
    timer = setTimeout(tick, options.intervalMs)
    timer.unref()
  }
  const tick = () => {
    running = (options.isReady() ? options.round() : Promise.resolve())
      .then(() => undefined)
      .catch((err: unknown) => (isDatabaseUnavailable(err) ? options.databaseOutage.down(err) : options.logger.warn({ err }, 'ssf push round failed')))
      .finally(schedule)
  }
  schedule()
  return {
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}
