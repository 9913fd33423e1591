import type { Context } from '../../context.js'
import { findProviderOrFail } from './find-provider.js'

/**
 * Deletes a provider (idp:delete) with every identity linked through it, its sign-ins in flight and
 * its pending links. The accounts stay; one that had no other way to sign in needs a password set
 * (user:send-reset, user:set-password). Audited as idp.deleted with how many identities went.
 * Throws federation.provider_not_found.
 */
export async function deleteProvider(ctx: Context, input: { name: string }): Promise<{ unlinkedIdentities: number }> {
  const row = await findProviderOrFail(ctx, input.name)
  const unlinkedIdentities = await ctx.userIdentities.countUserIdentitiesByProviderId(row.id)
  await ctx.identityProviders.deleteIdentityProviderById(row.id)
  await ctx.audit.insertAuditEvent({ type: 'idp.deleted', detail: { name: row.name, unlinked_identities: unlinkedIdentities } })
  return { unlinkedIdentities }
}
