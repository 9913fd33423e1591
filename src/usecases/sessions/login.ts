import type { Context } from '../../context.js'
import { PASSWORD_ONLY } from '../../domain/amr.js'
import { normalizeEmail } from '../../domain/email.js'
import { hasPassword } from '../../domain/no-password.js'
import { loginPasswordFieldErrors, normalizePassword } from '../../domain/password-policy.js'
import { HeimdallError, validationError } from '../../errors.js'
import type { LoginOutcome } from '../../infra/metrics/metrics.js'
import type { PasswordCheck } from '../../infra/passwords/password-hasher.js'
import { clearLoginAttempts, countFailedAttempt, judgeGuess, takeLoginAttempt } from '../throttling/lockout.js'
import { concludeSignIn, type LoginResult } from './conclude-sign-in.js'
import { requireVerifiedEmail } from '../recovery/require-verified-email.js'

export interface LoginInput {
  email: string
  password: string
  ip?: string
  /**
   * 'api' (the default): a password shorter than the registration's minimum is a 422 before any lookup,
   * as POST /auth/login documents. 'none': the hosted sign-in page, which must not reveal the policy to
   * a guesser, and whose every attempt, short or not, is counted by the lockout (issue 27).
   */
  lengthRule?: 'api' | 'none'
}

export type { LoginResult } from './conclude-sign-in.js'

/**
 * Checks the password; for a user without a second factor, opens a session and issues an access
 * token (amr ["pwd"]) and a refresh token bound to it. A user with a second factor gets an mfa_token
 * for POST /auth/login/mfa instead (usecases/mfa/complete-mfa-login.ts), and the unit of lockout budget
 * this attempt took stays taken until that step succeeds: a password known to an attacker buys no
 * fresh budget of code guesses. Each attempt first takes a unit of the account's lockout budget, so
 * however many arrive at once, at most the budget reach bcrypt, and none is refused for attempts that
 * have not failed (usecases/throttling/lockout.ts). Every attempt is counted and logged (debug) by outcome.
 */
export async function login(ctx: Context, input: LoginInput): Promise<LoginResult> {
  let outcome: LoginOutcome = 'error'
  try {
    const result = await attemptLogin(ctx, input)
    outcome = result.kind === 'tokens' ? 'success' : 'mfa_required'
    return result
  } catch (error) {
    outcome = error instanceof HeimdallError ? (LOGIN_OUTCOMES_BY_CODE[error.code] ?? 'error') : 'error'
    throw error
  } finally {
    ctx.metrics.countLogin(outcome)
    ctx.logger.debug({ outcome }, 'login attempt')
  }
}

const LOGIN_OUTCOMES_BY_CODE: Partial<Record<HeimdallError['code'], LoginOutcome>> = {
  'auth.invalid_credentials': 'invalid_credentials',
  'auth.locked': 'locked',
  'auth.account_disabled': 'disabled',
  'auth.email_not_verified': 'email_not_verified',
}

async function attemptLogin(ctx: Context, input: LoginInput): Promise<LoginResult> {
  const tooShort = input.lengthRule === 'none' ? [] : loginPasswordFieldErrors(input.password)
  if (tooShort.length > 0) throw validationError(tooShort)
  const email = normalizeEmail(input.email)
  const user = await ctx.users.findUserByEmail(email)
  await takeLoginAttempt(ctx, email, user?.id ?? null, input.ip)

  const check = await checkPassword(ctx, email, user, input.password)
  if (!user || check === 'mismatch') {
    await countFailedAttempt(ctx, email)
    await ctx.audit.insertAuditEvent({ type: 'login.failed', userId: user?.id ?? null, detail: { reason: user ? 'wrong_password' : 'unknown_email', ip: input.ip } })
    throw new HeimdallError('auth.invalid_credentials', 'Incorrect email or password')
  }
  if (user.disabled) {
    await countFailedAttempt(ctx, email)
    await ctx.audit.insertAuditEvent({ type: 'login.failed', userId: user.id, detail: { reason: 'user_disabled', ip: input.ip } })
    throw new HeimdallError('auth.account_disabled', 'Account is disabled')
  }

  if (check === 'legacy' || check === 'outdated') await rehashPassword(ctx, user, input.password)
  // Only after the right password (whose budget is given back): without it, nobody learns whether an address is verified.
  if (ctx.config.requireVerifiedEmail && user.email_verified_at === null) {
    await clearLoginAttempts(ctx, email)
    await requireVerifiedEmail(ctx, user, { ip: input.ip })
  }
  return concludeSignIn(ctx, user, {
    amr: PASSWORD_ONLY,
    detail: { ip: input.ip },
    // The unit stays taken until the second step succeeds, as a failure does: others need not wait for it.
    onSecondStep: () => countFailedAttempt(ctx, email),
    onNoSecondStep: () => clearLoginAttempts(ctx, email),
  })
}

/** The user's hash (checked by its kind), or a decoy's for an unknown email or an account without a password; a check that fails to run gives its lockout unit back. */
async function checkPassword(ctx: Context, email: string, user: { password_hash: string } | undefined, password: string): Promise<PasswordCheck> {
  // An account without a password (created through another provider) costs a comparison too: timing tells nothing.
  return judgeGuess(ctx, email, () =>
    user && hasPassword(user.password_hash) ? ctx.passwords.check(password, user.password_hash) : ctx.passwords.verifyDecoy(password).then(() => 'mismatch' as const),
  )
}

/**
 * The password matched a hash that is not what the settings make now: one made before passwords were
 * normalised (matched as typed), of another algorithm or cost (a setting changed, `user:import`).
 * Store a hash of the normalised form, of the configured algorithm and cost, instead.
 */
async function rehashPassword(ctx: Context, user: { id: string; password_hash: string }, password: string): Promise<void> {
  try {
    const rehashed = await ctx.passwords.hash(normalizePassword(password))
    if (await ctx.users.updateUserPasswordHashIfUnchanged(user.id, user.password_hash, rehashed)) ctx.logger.debug({ user_id: user.id }, 'password rehashed')
  } catch (err) {
    // Over 72 bytes once normalised, or the hashing queue full: the old hash keeps working; the login itself is not at stake.
    ctx.logger.debug({ err, user_id: user.id }, 'password not rehashed')
  }
}
