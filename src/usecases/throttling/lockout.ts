import type { Context } from '../../context.js'
import { loginFailuresKey, loginLockoutKey, retryAfterSeconds } from '../../domain/throttling.js'
import { HeimdallError } from '../../errors.js'

/**
 * The account's lockout budget (HEIMDALL_LOCKOUT_MAX_FAILURES per HEIMDALL_LOCKOUT_WINDOW), spent by
 * every guess at something secret: a password, a TOTP code, a recovery code. A unit is taken BEFORE the
 * guess is checked, with one conditional statement, so however many guesses arrive at once, at most the
 * budget are checked; a success gives the budget back (clearLoginAttempts).
 *
 * Two counters per account, shared by every worker and instance through the database: the budget
 * (`login:<email>`, units taken by guesses failed or still being checked) and the guesses that did
 * fail (`login-failed:<email>`, countFailedAttempt). A guess refused a unit while fewer guesses have
 * failed than the budget holds is refused only because others are still being checked: it waits for
 * them (polling both counters, at most MAX_WAIT_MS) instead of answering 429, and gets its unit once
 * one of them succeeds. So parallel logins with the right password all succeed, while parallel wrong
 * guesses still reach bcrypt at most budget times.
 */
export async function takeLoginAttempt(ctx: Context, email: string, userId: string | null, ip: string | undefined): Promise<void> {
  const { lockoutMaxFailures: limit, lockoutWindowSeconds } = ctx.config
  const windowMs = lockoutWindowSeconds * 1000
  // A real wait for guesses in flight, not a rule about time: the system clock, whatever ctx.clock says.
  const deadline = Date.now() + MAX_WAIT_MS
  for (let poll = 0; ; poll++) {
    const reservation = await ctx.throttles.reserve(loginLockoutKey(email), limit, windowMs, ctx.clock.now())
    if (reservation.allowed) return
    const failures = await ctx.throttles.findThrottleCount(loginFailuresKey(email), windowMs, ctx.clock.now())
    if (failures >= limit || Date.now() >= deadline) {
      await ctx.audit.insertAuditEvent({ type: 'login.locked', userId, detail: { ip } })
      throw new HeimdallError('auth.locked', 'Too many failed login attempts for this account; try again later', undefined, retryAfterSeconds(reservation.retryAfterMs))
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS[Math.min(poll, POLL_MS.length - 1)]))
  }
}

/** The guess the unit was taken for was wrong (or its account disabled): the unit stays taken, and is counted as failed. */
export async function countFailedAttempt(ctx: Context, email: string): Promise<void> {
  await ctx.throttles.reserve(loginFailuresKey(email), UNLIMITED, ctx.config.lockoutWindowSeconds * 1000, ctx.clock.now())
}

/** The guess was never judged (an error before it was checked): its unit goes back. */
export async function releaseLoginAttempt(ctx: Context, email: string): Promise<void> {
  await ctx.throttles.release(loginLockoutKey(email))
}

/**
 * Runs `check`, the judging of a guess whose unit takeLoginAttempt took, and answers what it answers.
 * A check that throws instead (a full hashing queue: password.hashing_busy, 503) judged nothing: the
 * unit goes back before the error does, or it would read as a guess still being checked and make
 * the next ones wait (and a busy server would spend the account's budget).
 */
export async function judgeGuess<T>(ctx: Context, email: string, check: () => Promise<T>): Promise<T> {
  try {
    return await check()
  } catch (error) {
    await releaseLoginAttempt(ctx, email)
    throw error
  }
}

/** `email` is already normalised. A success, a password change or an administrator's decision: the account starts from zero. */
export async function clearLoginAttempts(ctx: Context, email: string): Promise<void> {
  await ctx.throttles.deleteThrottle(loginLockoutKey(email), loginFailuresKey(email))
}

/** How long a guess waits for guesses in flight before it answers 429 anyway: many bcrypt checks on a busy host. */
const MAX_WAIT_MS = 10_000
const POLL_MS = [10, 20, 40, 80, 100]
/** Large enough never to refuse: the failure counter only counts. */
const UNLIMITED = 1_000_000_000
