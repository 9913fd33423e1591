import { isDatabaseUnavailable } from '../db/database-errors.js'
import type { Logger } from '../logger.js'
import type { OutageLog } from '../outage-log.js'

export interface SsfPushWorker {
  /**
   * Runs a round now, or right after the one in progress (wakes during a round make one more round,
   * not one each): called once an event a push stream may want has committed in this process, so
   * that its SET leaves within a round's time instead of waiting for the timer.
   */
  wake(): void
  /** Stops the timer and waits for the round in progress. */
  stop(): Promise<void>
}

/**
 * The push sender: a round when woken (wake()), and one `intervalMs` (HEIMDALL_SSF_PUSH_INTERVAL_MS)
 * after the last round in any case, which is how events written by other processes (another
 * instance, the CLI) are found. Never two rounds at once; the timer is unref'd so it never keeps a
 * process alive. A failed round is logged (an outage once, by the outage log) and the next one runs.
 */
export function startSsfPushWorker(options: { intervalMs: number; round: () => Promise<unknown>; isReady: () => boolean; logger: Logger; databaseOutage: OutageLog }): SsfPushWorker {
  let stopped = false
  let running: Promise<void> | undefined
  let wokenMeanwhile = false
  let timer: NodeJS.Timeout | undefined
  const schedule = () => {
    if (stopped) return
    timer = setTimeout(run, options.intervalMs)
    timer.unref()
  }
  const run = () => {
    clearTimeout(timer)
    wokenMeanwhile = false
    running = (options.isReady() ? options.round() : Promise.resolve())
      .then(() => undefined)
      .catch((err: unknown) => (isDatabaseUnavailable(err) ? options.databaseOutage.down(err) : options.logger.warn({ err }, 'ssf push round failed')))
      .finally(() => {
        running = undefined
        if (wokenMeanwhile && !stopped) run()
        else schedule()
      })
  }
  schedule()
  return {
    wake() {
      if (stopped) return
      if (running) wokenMeanwhile = true
      else run()
    },
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}
