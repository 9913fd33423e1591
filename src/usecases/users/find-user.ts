import type { Context } from '../../context.js'
import { normalizeEmail } from '../../domain/email.js'
import { HeimdallError } from '../../errors.js'
import type { UserRow } from '../../infra/db/tables.js'

/** The user an operator names by email, or user.not_found. */
export async function findUserByEmailOrFail(ctx: Context, email: string): Promise<UserRow> {
  const user = await ctx.users.findUserByEmail(normalizeEmail(email))
  if (!user) throw new HeimdallError('user.not_found', `No user with email ${normalizeEmail(email)}`)
  return user
}
