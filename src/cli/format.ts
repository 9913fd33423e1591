/** Epoch milliseconds (the core's times) as the ISO 8601 UTC text the CLI prints and its --json carries; null stays null. */
export function isoTime(epochMs: number): string
export function isoTime(epochMs: number | null): string | null
export function isoTime(epochMs: number | null): string | null {
  return epochMs === null ? null : new Date(epochMs).toISOString()
}

/** A camelCase name as snake_case: accessTokenTtlSeconds -> access_token_ttl_seconds. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)
}
