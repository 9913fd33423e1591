import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { findProviderOrFail } from './find-provider.js'

/**
 * Deletes a provider (idp:delete) with every identity linked through it, its sign-ins in flight and
 * its pending links. The accounts stay; one that had no other way to sign in needs a password set
 * (user:send-reset, user:set-password). Audited as idp.deleted with how many identities went.
 * Throws federation.provider_not_found.
 */
export async function deleteProvider(ctx: Context, input: { name: string }): Promise<{ unlinkedIdentities: number }> {
  const row = await findProviderOrFail(ctx, input.name)
  const now = ctx.clock.now()
  const unlinkedIdentities = await ctx.transaction(async (tx) => {
    const userIds = await tx.userIdentities.findUserIdsByProviderId(row.id)
    await tx.identityProviders.deleteIdentityProviderById(row.id)
    await tx.audit.insertAuditEvent({ type: 'idp.deleted', detail: { name: row.name, unlinked_identities: userIds.length }, actor: 'operator' }, now)
    // Each identity that went with the provider is an identity.unlinked of its user.
    for (const userId of userIds) {
      await tx.audit.insertAuditEvent({ type: 'federation.identity_unlinked', userId, detail: { provider: row.name, by: 'idp_deleted' }, emits: event('identity.unlinked', { user_id: userId, provider: row.name }), actor: 'operator' }, now)
    }
    return userIds.length
  })
  return { unlinkedIdentities }
}
