import type { Knex } from 'knex'
import { retryOnLockConflict } from '../db/lock-conflict.js'
import { isUniqueViolation } from '../db/unique-violation.js'

export type Reservation = { allowed: true } | { allowed: false; retryAfterMs: number }

export type ThrottlesRepository = ReturnType<typeof createThrottlesRepository>

export function createThrottlesRepository(db: Knex) {
  /**
   * Takes one unit of `key`'s budget of `limit` per window. Every step is a single conditional
   * statement, so concurrent callers (threads, workers, instances) can never take more than `limit`.
   * Many callers hit one row at once (parallel guesses at one account): a statement that loses an
   * InnoDB lock conflict is run again (retryOnLockConflict) rather than failing the request.
   */
  async function reserve(key: string, limit: number, windowMs: number, now: number, attempt = 0): Promise<Reservation> {
    const taken = await retryOnLockConflict(db, async () =>
      db('throttles').where({ key }).where('window_start', '>', now - windowMs).where('count', '<', limit).increment('count', 1),
    )
    if (taken > 0) return { allowed: true }

    const row: { window_start: number; count: number } | undefined = await db('throttles').where({ key }).first('window_start', 'count')
    if (row && Number(row.window_start) > now - windowMs) {
      // Another caller created the row (or restarted its window) between our increment and this read: the budget is not spent, try again.
      if (Number(row.count) < limit && attempt < 3) return reserve(key, limit, windowMs, now, attempt + 1)
      return { allowed: false, retryAfterMs: Number(row.window_start) + windowMs - now }
    }
    if (attempt >= 3) return { allowed: false, retryAfterMs: 1000 }
    try {
      if (!row) {
        await retryOnLockConflict(db, async () => db('throttles').insert({ key, window_start: now, count: 1 }))
        return { allowed: true }
      }
      // The window has passed: restart it, unless another caller restarted it first.
      const restarted = await retryOnLockConflict(db, async () => db('throttles').where({ key, window_start: row.window_start }).update({ window_start: now, count: 1 }))
      if (restarted > 0) return { allowed: true }
    } catch (error) {
      if (!isUniqueViolation(error)) throw error
    }
    return reserve(key, limit, windowMs, now, attempt + 1)
  }

  return {
    reserve,

    /** Gives one unit of `key`'s budget back (never below zero): for a reservation that was not used. */
    async release(key: string): Promise<void> {
      await retryOnLockConflict(db, async () => db('throttles').where({ key }).where('count', '>', 0).decrement('count', 1))
    },

    /** How much of `key`'s budget is taken in the window running at `now` (0 when none runs). */
    async findThrottleCount(key: string, windowMs: number, now: number): Promise<number> {
      const row: { count: number } | undefined = await db('throttles').where({ key }).where('window_start', '>', now - windowMs).first('count')
      return Number(row?.count ?? 0)
    },

    async deleteThrottle(...keys: string[]): Promise<void> {
      await retryOnLockConflict(db, async () => db('throttles').whereIn('key', keys).delete())
    },

    async deleteThrottlesOlderThan(windowStart: number): Promise<number> {
      return retryOnLockConflict(db, async () => db('throttles').where('window_start', '<', windowStart).delete())
    },
  }
}
