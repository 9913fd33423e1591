import { HeimdallError } from '../../errors.js'

export interface HashingQueueOptions {
  /** Hashes computed at once: one per core (argon2id's memory is held by each while it runs). */
  concurrency: number
  /** Jobs that may wait for a turn; one more is refused with password.hashing_busy (503). */
  maxWaiting: number
}

export type HashingQueue = ReturnType<typeof createHashingQueue>

/**
 * Bounds password hashing: at most `concurrency` jobs run (so memory-hard hashes hold at most that
 * many buffers, and bcrypt cannot take all of libuv's threads from file and DNS work), at most
 * `maxWaiting` wait in order, and the next is refused at once with a 503 and Retry-After rather than
 * queued into a pile-up that would time out anyway.
 */
export function createHashingQueue(options: HashingQueueOptions) {
  let running = 0
  const waiting: Array<() => void> = []

  function release(): void {
    const next = waiting.shift()
    if (next) next()
    else running--
  }

  return {
    /** Runs `job` in its turn; throws password.hashing_busy (retry after 1 s) when the queue is full. */
    async run<T>(job: () => Promise<T>): Promise<T> {
      if (running < options.concurrency) running++
      else if (waiting.length >= options.maxWaiting) throw new HeimdallError('password.hashing_busy', 'Too many passwords being checked at once: try again shortly', undefined, 1)
      else await new Promise<void>((resolve) => waiting.push(resolve))
      try {
        return await job()
      } finally {
        release()
      }
    },

    /** Jobs running and waiting now (for tests and diagnostics). */
    get load(): { running: number; waiting: number } {
      return { running, waiting: waiting.length }
    },
  }
}
