/**
 * Durations as people write them ("900", "900s", "15m", "1h", "30d"), each with the range that makes
 * sense for what it sets. Nothing here throws: callers turn a problem into their own error (a setting:
 * config.invalid, exit 78; a CLI flag or a request field: validation.failed, exit 65 or HTTP 422).
 */

/** Node's timers hold a signed 32-bit millisecond count; a longer delay fires after 1 ms instead, over and over. */
export const MAX_TIMER_MS = 2 ** 31 - 1

export interface DurationRange {
  /** Seconds, inclusive. */
  min: number
  /** Seconds, inclusive. */
  max: number
}

const MINUTE = 60
const HOUR = 3600
const DAY = 86400
const UNIT_SECONDS: Record<string, number> = { s: 1, m: MINUTE, h: HOUR, d: DAY }

/** The ranges of every duration Heimdall reads, in seconds: one place, stated in the docs' configuration table. */
export const DURATION_RANGES = {
  /** HEIMDALL_ACCESS_TOKEN_TTL: a stolen access token is usable this long; a day at most. */
  accessToken: { min: 1, max: DAY },
  /** HEIMDALL_REFRESH_TOKEN_TTL: how long a session lasts without a login; a year at most. */
  refreshToken: { min: 1, max: 366 * DAY },
  /** token:issue --ttl: a service account's token and its session; a year at most. */
  issuedToken: { min: 1, max: 366 * DAY },
  /** HEIMDALL_RESET_TOKEN_TTL: how long a password reset link works. */
  resetToken: { min: MINUTE, max: DAY },
  /** HEIMDALL_EMAIL_TOKEN_TTL: how long an email confirmation link works. */
  emailToken: { min: 5 * MINUTE, max: 7 * DAY },
  /** HEIMDALL_SESSION_CACHE_TTL: a revocation that no bus carries is seen this late at worst; also a timer. */
  sessionCache: { min: 1, max: DAY },
  /** HEIMDALL_LOCKOUT_WINDOW. */
  lockoutWindow: { min: 1, max: DAY },
  /** HEIMDALL_REPLICA_MAX_LAG: reads go to the primary this long after a change. */
  replicaMaxLag: { min: 0, max: HOUR },
  /** HEIMDALL_DATABASE_TIMEOUT: how long a serving server waits for one query; also a timer. */
  databaseTimeout: { min: 1, max: 5 * MINUTE },
  /** HEIMDALL_HEADERS_TIMEOUT: the time a client has to send its request's headers. */
  headersTimeout: { min: 1, max: 10 * MINUTE },
  /** HEIMDALL_REQUEST_TIMEOUT: the time a client has to send its whole request, headers and body. */
  requestTimeout: { min: 1, max: HOUR },
  /** audit:list --since: how far back to look; ten years at most. */
  auditSince: { min: 1, max: 3660 * DAY },
} as const satisfies Record<string, DurationRange>

/** Ranges whose value (or a part of it) becomes a timer's delay: none may reach past MAX_TIMER_MS. */
export const TIMER_RANGES: readonly DurationRange[] = [
  DURATION_RANGES.sessionCache,
  DURATION_RANGES.databaseTimeout,
  DURATION_RANGES.headersTimeout,
  DURATION_RANGES.requestTimeout,
]

export type DurationParse = { seconds: number; problem?: undefined } | { seconds?: undefined; problem: string }

/** "900", "900s", "15m", "1h", "30d" -> seconds, or what is wrong with it (a phrase to follow the setting's name). */
export function parseDuration(raw: string, range: DurationRange): DurationParse {
  const match = /^(\d+)\s*([smhd]?)$/.exec(raw.trim())
  if (!match) return { problem: `must be a duration such as 900, 15m, 1h or 30d (got "${raw}")` }
  // Compared before multiplying, so that no digit string, however long, becomes an imprecise number.
  const count = Number(match[1])
  const unit = UNIT_SECONDS[match[2] || 's']
  if (count > range.max / unit || count * unit < range.min) {
    return { problem: `must be between ${formatDuration(range.min)} and ${formatDuration(range.max)} (got "${raw}")` }
  }
  return { seconds: count * unit }
}

/** Seconds in the largest unit that divides them: 86400 -> "1d", 90 -> "90s". */
export function formatDuration(seconds: number): string {
  for (const [unit, size] of [['d', DAY], ['h', HOUR], ['m', MINUTE]] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`
  }
  return `${seconds}s`
}
