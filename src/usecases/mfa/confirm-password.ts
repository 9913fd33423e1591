import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import type { UserRow } from '../../infra/db/tables.js'
import { clearLoginAttempts, countFailedAttempt, judgeGuess, takeLoginAttempt } from '../throttling/lockout.js'
import type { Principal } from './principal.js'

/**
 * Asks for the password again before a factor is changed (OWASP ASVS V6: re-authentication), out of the
 * same lockout budget as logins: a stolen access token is no password oracle. Answers the user's row.
 */
export async function confirmPassword(ctx: Context, principal: Principal, password: string, ip: string | undefined): Promise<UserRow> {
  const user = await ctx.users.findUserById(principal.userId)
  if (!user) throw new HeimdallError('token.invalid', 'Session not found')
  await takeLoginAttempt(ctx, user.email, user.id, ip)
  if (!(await judgeGuess(ctx, user.email, () => ctx.passwords.verify(password, user.password_hash)))) {
    await countFailedAttempt(ctx, user.email)
    await ctx.audit.insertAuditEvent({ type: 'reauthentication.failed', userId: user.id, sessionId: principal.sessionId, detail: { ip } })
    throw new HeimdallError('auth.invalid_credentials', 'Incorrect password')
  }
  await clearLoginAttempts(ctx, user.email)
  return user
}
