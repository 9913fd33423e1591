/**
 * Where Heimdall reads the time: milliseconds since the epoch (UTC), as Date.now() answers. The use
 * cases read `ctx.clock.now()` for everything that is a rule about time (lockout windows, link and
 * challenge expiries, session ends, token exp and iat, TOTP steps, key publication); domain/ takes
 * `now` as a parameter and reads no clock. Tests hand in a clock they move (test/support/clock.ts), so
 * that a window or an expiry passes without sleeping.
 *
 * Still on the system clock, on purpose: oidc-provider (its own iat, exp, max_age and interaction
 * expiries, in whole seconds), its keys and its storage (oidc_payloads); the mail outbox (when a mail
 * is due, leases, retries), so that a clock moved ahead never holds a mail back; audit rows stamped
 * without an explicit time, and audit:list --since; timers and intervals (background sweeps, the
 * revocation poller, the key reload throttle, deadlines on waits); the session read model's replica-lag
 * window, Redis message lag, uptime and the database clock check, which measure real time. A test
 * clock only moves forward, so what it stamps stays visible to the pollers that read the system's.
 */
export interface Clock {
  /** Milliseconds since the epoch. Must be cheap: the token validation hot path calls it. */
  now(): number
}

/** The system clock (Date.now), the default of every context. */
export const systemClock: Clock = { now: Date.now }
