import type { Context } from '../../context.js'

export interface EmailStatus {
  email: string
  /** Epoch milliseconds when the address was proven, or null while it is not. */
  verifiedAt: number | null
}

/** The signed-in user's address and whether it is verified, for the account page's profile section. */
export async function getEmailStatus(ctx: Context, input: { userId: string }): Promise<EmailStatus | undefined> {
  const user = await ctx.users.findUserById(input.userId)
  return user && { email: user.email, verifiedAt: user.email_verified_at === null ? null : Number(user.email_verified_at) }
}
