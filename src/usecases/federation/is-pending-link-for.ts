import type { Context } from '../../context.js'
import { secretHash } from './secret-hash.js'

/**
 * Whether the pending link a browser holds is live and for the account `userId` has just proven: that
 * account has the upstream's address (the only account linkPendingIdentity would link to). False for a
 * sign-in as any other account in that browser, which is no proof for the link, and for a link spent
 * or lapsed meanwhile: the caller lets that sign-in go on without linking.
 */
export async function isPendingLinkFor(ctx: Context, input: { pendingLinkToken: string; userId: string }): Promise<boolean> {
  const pending = await ctx.federationFlows.findLivePendingLink(secretHash(input.pendingLinkToken), ctx.clock.now())
  if (!pending) return false
  const user = await ctx.users.findUserById(input.userId)
  return user !== undefined && user.email === pending.email
}
