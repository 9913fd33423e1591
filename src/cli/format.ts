/** The largest time a JavaScript Date holds (ECMA-262 21.4.1.1): 8.64e15 ms either side of 1970. */
const MAX_DATE_MS = 8.64e15

/**
 * Epoch milliseconds (the core's times) as the ISO 8601 UTC text the CLI prints and its --json
 * carries; null stays null, and so does a time that is no date (past what a Date holds, or not a
 * number): an absurd stored time (a lifetime set before lifetimes were bounded, a forged exp) shows
 * as unknown instead of crashing the command that reads it.
 */
export function isoTime(epochMs: number | null): string | null {
  if (epochMs === null) return null
  const ms = Number(epochMs)
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) return null
  return new Date(ms).toISOString()
}

/** A JWT NumericDate (seconds, RFC 7519 section 2) as isoTime does; null when it is not a number. */
export function isoFromNumericDate(seconds: unknown): string | null {
  return typeof seconds === 'number' ? isoTime(seconds * 1000) : null
}

/** What the CLI prints for a time that is no date. */
export const NO_DATE = 'at no date a clock can show'

/** A camelCase name as snake_case: accessTokenTtlSeconds -> access_token_ttl_seconds. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)
}
