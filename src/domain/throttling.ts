/**
 * The throttle counters' keys and how a refusal tells the client when to come back. Kept together so
 * that the login that counts failures and the password reset that lifts the lockout name one key.
 */

/** The counter of one account's failed logins; `email` normalised (normalizeEmail). */
export function loginLockoutKey(email: string): string {
  return `login:${email}`
}

/** The counter of the attempts on one account that did fail (the lockout key counts those in flight too). */
export function loginFailuresKey(email: string): string {
  return `login-failed:${email}`
}

/** The counter of one client's requests to one endpoint, per minute. */
export function rateLimitKey(endpoint: string, clientIp: string): string {
  return `rate:${endpoint}:${clientIp}`
}

/** Retry-After in whole seconds (RFC 9110 section 10.2.3), rounded up and at least 1, from milliseconds left. */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000))
}
