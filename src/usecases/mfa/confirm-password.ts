import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import type { UserRow } from '../../infra/db/tables.js'
import type { AuditEvent } from '../../infra/repositories/audit.js'
import { clearLoginAttempts, countFailedAttempt, judgeGuess, takeLoginAttempt } from '../throttling/lockout.js'
import type { Principal } from './principal.js'

/**
 * Asks for the password again before a factor is changed (OWASP ASVS V6: re-authentication), out of the
 * same lockout budget as logins: a stolen access token is no password oracle. Answers the user's row.
 */
export async function confirmPassword(ctx: Context, principal: Principal, password: string, ip: string | undefined): Promise<UserRow> {
  const user = await ctx.users.findUserById(principal.userId)
  if (!user) throw new HeimdallError('token.invalid', 'Session not found')
  await confirmPasswordOf(ctx, user, password, ip, { type: 'reauthentication.failed', userId: user.id, sessionId: principal.sessionId, detail: { ip } })
  return user
}

/**
 * The check every signed-in user's password confirmation makes (confirmPassword, the email change):
 * a unit of the account's lockout budget first (takeLoginAttempt; auth.locked past it), the password
 * judged (judgeGuess: a check that could not run gives the unit back), a wrong one counted as a failed
 * guess and recorded as `refusal` (auth.invalid_credentials), a right one giving the budget back.
 */
export async function confirmPasswordOf(ctx: Context, user: UserRow, password: string, ip: string | undefined, refusal: AuditEvent): Promise<void> {
  await takeLoginAttempt(ctx, user.email, user.id, ip)
  if (!(await judgeGuess(ctx, user.email, () => ctx.passwords.verify(password, user.password_hash)))) {
    await countFailedAttempt(ctx, user.email)
    await ctx.audit.insertAuditEvent(refusal)
    throw new HeimdallError('auth.invalid_credentials', 'Incorrect password')
  }
  await clearLoginAttempts(ctx, user.email)
}
