import { randomUUID } from 'node:crypto'
import { event } from '../../domain/events.js'
import type { Context } from '../../context.js'
import type { IdentityProviderRow } from '../../infra/db/tables.js'

/**
 * Links an upstream identity to an existing account, audited as federation.identity_linked (`how`:
 * auto-linked by the provider's policy, proven by the person, or from the account page). Throws a unique violation when the
 * identity got linked meanwhile.
 */
export async function linkIdentity(ctx: Context, userId: string, provider: IdentityProviderRow, identity: { subject: string }, email: string | null, how: 'auto' | 'proven' | 'account_page', now: number): Promise<void> {
  await ctx.transaction(async (tx) => {
    await tx.userIdentities.insertUserIdentity({ id: randomUUID(), user_id: userId, provider_id: provider.id, subject: identity.subject, email, linked_at: now, last_sign_in_at: now })
    const emits = event('identity.linked', { user_id: userId, provider: provider.name })
    await tx.audit.insertAuditEvent({ type: 'federation.identity_linked', userId, detail: { provider: provider.name, how }, emits, actor: how === 'auto' ? 'system' : `user:${userId}` }, now)
  })
}
