import type { Context } from '../context.js'
import { loginLockoutKey, retryAfterSeconds } from '../domain/throttling.js'
import { HeimdallError } from '../errors.js'

/**
 * The account's lockout budget (HEIMDALL_LOCKOUT_MAX_FAILURES per HEIMDALL_LOCKOUT_WINDOW), spent by
 * every guess at something secret: a password, a TOTP code, a recovery code. A unit is taken BEFORE the
 * guess is checked, with one conditional statement, so however many guesses arrive at once, at most the
 * budget are checked; a success gives the budget back (clearLoginAttempts).
 */
export async function takeLoginAttempt(ctx: Context, email: string, userId: string | null, ip: string | undefined): Promise<void> {
  const { lockoutMaxFailures, lockoutWindowSeconds } = ctx.config
  const reservation = await ctx.throttles.reserve(loginLockoutKey(email), lockoutMaxFailures, lockoutWindowSeconds * 1000, Date.now())
  if (reservation.allowed) return
  await ctx.audit.insertAuditEvent({ type: 'login.locked', userId, detail: { ip } })
  throw new HeimdallError('auth.locked', 'Too many failed login attempts for this account; try again later', undefined, retryAfterSeconds(reservation.retryAfterMs))
}

/** `email` is already normalised. */
export async function clearLoginAttempts(ctx: Context, email: string): Promise<void> {
  await ctx.throttles.deleteThrottle(loginLockoutKey(email))
}
