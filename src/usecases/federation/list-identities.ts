import type { Context } from '../../context.js'

/** An identity linked to a user, as the account page and user:show list it. */
export interface IdentitySummary {
  /** The provider's name. */
  provider: string
  subject: string
  /** The address the provider last said. */
  email: string | null
  /** Epoch ms. */
  linkedAt: number
  lastSignInAt: number | null
}

/** The user's linked identities, oldest link first. */
export async function listIdentities(ctx: Context, input: { userId: string }): Promise<IdentitySummary[]> {
  return (await ctx.userIdentities.findUserIdentitiesByUserId(input.userId)).map((row) => ({
    provider: row.provider_name,
    subject: row.subject,
    email: row.email,
    linkedAt: Number(row.linked_at),
    lastSignInAt: row.last_sign_in_at === null ? null : Number(row.last_sign_in_at),
  }))
}
