import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { findUserByEmailOrFail } from '../users/find-user.js'

/**
 * An operator vouches for a user's address (user:verify-email): it counts as verified from now on,
 * on every worker and instance, and the verification links still out there stop working.
 */
export async function markEmailVerified(ctx: Context, input: { email: string }): Promise<{ email: string; alreadyVerified: boolean }> {
  const user = await findUserByEmailOrFail(ctx, input.email)
  if (user.email_verified_at !== null) return { email: user.email, alreadyVerified: true }
  const now = ctx.clock.now()
  await ctx.transaction(async (tx) => {
    await tx.users.updateUserEmailVerified(user.id, now)
    await tx.userTokens.updateUserTokensSuperseded(user.id, ['email_verification'], now)
    const emits = event('user.updated', { user_id: user.id, changes: ['email_verified'], email: user.email })
    await tx.audit.insertAuditEvent({ type: 'email.verified', userId: user.id, detail: { by: 'operator' }, emits, actor: 'operator' }, now)
  })
  await ctx.invalidate({ kind: 'user', id: user.id })
  return { email: user.email, alreadyVerified: false }
}
