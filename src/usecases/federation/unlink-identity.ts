import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { hasPassword } from '../../domain/no-password.js'
import { HeimdallError } from '../../errors.js'
import { findProviderOrFail } from './find-provider.js'

/**
 * Unlinks the user's identity at a provider (the account page, user:unlink), unless it is the
 * account's last way to sign in: no password (an account created through a provider has none, see
 * domain/no-password.ts), no passkey and no other linked identity (federation.last_sign_in_method).
 * Audited as federation.identity_unlinked. Throws user.not_found, federation.provider_not_found,
 * federation.identity_not_found.
 */
export async function unlinkIdentity(ctx: Context, input: { userId: string; provider: string; by: 'user' | 'operator'; sessionId?: string }): Promise<void> {
  const user = await ctx.users.findUserById(input.userId)
  if (!user) throw new HeimdallError('user.not_found', 'No such user')
  const provider = await findProviderOrFail(ctx, input.provider)
  const identities = await ctx.userIdentities.findUserIdentitiesByUserId(user.id)
  const identity = identities.find((row) => row.provider_id === provider.id)
  if (!identity) throw new HeimdallError('federation.identity_not_found', `${user.email} has no identity linked at ${provider.name}`)
  const otherWay = hasPassword(user.password_hash) || identities.length > 1 || (await ctx.passkeys.countPasskeysByUserId(user.id)) > 0
  if (!otherWay) {
    throw new HeimdallError('federation.last_sign_in_method', `${provider.name} is the only way to sign in to ${user.email}: set a password or add a passkey first`)
  }
  await ctx.transaction(async (tx) => {
    // Unlinked meanwhile (a second click): nothing changed, nothing to record.
    if (!(await tx.userIdentities.deleteUserIdentityById(identity.id))) return
    const emits = event('identity.unlinked', { user_id: user.id, provider: provider.name })
    const actor = input.by === 'operator' ? 'operator' : `user:${user.id}`
    await tx.audit.insertAuditEvent({ type: 'federation.identity_unlinked', userId: user.id, sessionId: input.sessionId ?? null, detail: { provider: provider.name, by: input.by }, emits, actor })
  })
}
