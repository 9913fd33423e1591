import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import type { UserRow } from '../../infra/db/tables.js'

/**
 * Pre-account takeover (docs/security.md): someone who registers another person's address must not
 * be able to plant a factor that outlives the owner taking the account back. So a TOTP secret or a
 * passkey is added only to an account whose address has been proven (a verification or reset link,
 * or an operator's user:verify-email), or that an operator created (user:create). Every door's
 * enrolment (HTTP API, account pages, enrolment-only token) goes through this.
 * Throws auth.email_not_verified (403), or token.invalid when the user no longer exists.
 */
export async function requireEnrolmentAllowed(ctx: Context, userOrId: UserRow | string): Promise<UserRow> {
  const user = typeof userOrId === 'string' ? await ctx.users.findUserById(userOrId) : userOrId
  if (!user) throw new HeimdallError('token.invalid', 'Session not found')
  if (!mayEnrolFactors(user)) {
    throw new HeimdallError(
      'auth.email_not_verified',
      'Verify your email address before adding a second factor or passkey: open the link in the verification mail (or ask for a new one)',
    )
  }
  return user
}

/** Whether `user` may add a TOTP secret or a passkey now: a proven address, or an operator's account. */
export function mayEnrolFactors(user: Pick<UserRow, 'email_verified_at' | 'created_by_operator'>): boolean {
  return user.email_verified_at !== null || Boolean(user.created_by_operator)
}
