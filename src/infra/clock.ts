/**
 * Where Heimdall reads the time: milliseconds since the epoch (UTC), as Date.now() answers. The use
 * cases read `ctx.clock.now()` for everything that is a rule about time (lockout windows, link and
 * challenge expiries, session ends, token exp and iat, TOTP steps, key publication); domain/ takes
 * `now` as a parameter and reads no clock. Tests hand in a clock they move (test/aux/clock.ts), so
 * that a window or an expiry passes without sleeping.
 *
 * Still on the system clock, on purpose: oidc-provider (its own exp, auth_time and interaction
 * expiries, in whole seconds) and its storage adapter; timers and intervals (background sweeps, the
 * revocation poller, mail retries, the key reload throttle, deadlines on waits); the replica-lag
 * window of the session read model and Redis message lag, which measure real elapsed time.
 */
export interface Clock {
  /** Milliseconds since the epoch. Must be cheap: the token validation hot path calls it. */
  now(): number
}

/** The system clock (Date.now), the default of every context. */
export const systemClock: Clock = { now: Date.now }
