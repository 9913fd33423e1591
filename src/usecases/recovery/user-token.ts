import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import type { UserRow, UserTokenPurpose, UserTokenRow } from '../../infra/db/tables.js'
import { hashUserToken } from '../../infra/user-token.js'

/**
 * The live token a mailed link carries, with its user, or recovery.invalid_token (400) saying why
 * not: unknown, for another purpose, spent, superseded by a newer link, expired, or its account gone
 * or disabled. The token itself never appears in a message. Spending it is the caller's part, in its
 * transaction (UserTokensRepository.updateUserTokenSpent), so that exactly one use wins.
 */
export async function findLiveUserToken(ctx: Context, token: string, purposes: UserTokenPurpose[]): Promise<{ row: UserTokenRow; user: UserRow }> {
  const row = token === '' ? undefined : await ctx.userTokens.findUserTokenByHash(hashUserToken(token))
  if (!row || !purposes.includes(row.purpose)) throw invalidToken('This link is not valid')
  if (row.spent_at !== null) throw invalidToken('This link was already used')
  if (row.superseded_at !== null) throw invalidToken('A newer link replaced this one: use the latest mail')
  if (Number(row.expires_at) <= ctx.clock.now()) throw invalidToken('This link has expired: ask for a new one')
  const user = await ctx.users.findUserById(row.user_id)
  if (!user || user.disabled) throw invalidToken('This link is not valid')
  return { row, user }
}

/** Thrown inside a transaction when the token was spent or superseded between the check and the use. */
export function invalidToken(message = 'This link was already used'): HeimdallError {
  return new HeimdallError('recovery.invalid_token', message)
}
