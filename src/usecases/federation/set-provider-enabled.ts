import type { Context } from '../../context.js'
import { findProviderOrFail } from './find-provider.js'

/**
 * Turns sign-ins through a provider off (idp:disable) or on again (idp:enable). Off: no sign-in
 * starts, and one in flight is refused at its callback; linked identities stay, and come back with
 * it. Audited as idp.disabled / idp.enabled. Throws federation.provider_not_found.
 */
export async function setProviderEnabled(ctx: Context, input: { name: string; enabled: boolean }): Promise<void> {
  const row = await findProviderOrFail(ctx, input.name)
  const now = ctx.clock.now()
  await ctx.identityProviders.updateIdentityProviderEnabled(row.id, input.enabled, now)
  await ctx.audit.insertAuditEvent({ type: input.enabled ? 'idp.enabled' : 'idp.disabled', detail: { name: row.name } }, now)
}
