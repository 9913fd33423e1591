/**
 * When a failed webhook delivery is tried again: exponential backoff (base, 2x base, 4x ...) capped
 * at an hour, minus a random jitter of up to half, so that the deliveries a dead endpoint
 * accumulated do not all come back at the same instant; and whether to give up, once the first
 * attempt is older than the retry window (HEIMDALL_WEBHOOK_RETRY_FOR, a day by default).
 */
export const MAX_RETRY_DELAY_MS = 3_600_000

/** Milliseconds to wait after failed attempt number `attempt` (1 for the first); `random` in [0, 1). */
export function retryDelayMs(attempt: number, baseMs: number, random: number = Math.random()): number {
  const full = Math.min(baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 40), MAX_RETRY_DELAY_MS)
  return Math.max(1, Math.round(full * (1 - random / 2)))
}

/** Whether a delivery queued at `queuedAt` (epoch ms) has had its retry window by `now`. */
export function retryWindowOver(queuedAt: number, now: number, retryForSeconds: number): boolean {
  return now - queuedAt >= retryForSeconds * 1000
}
