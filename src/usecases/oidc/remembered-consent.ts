import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import type { OidcConsentRow } from '../../infra/db/tables.js'

/**
 * What a user has allowed a client, in the terms of an oidc-provider grant: OpenID Connect scopes,
 * claims asked for one by one (the claims parameter, OIDC Core section 5.5), and scopes per resource
 * indicator (RFC 8707).
 */
export interface ConsentedAccess {
  scopes: string[]
  claims: string[]
  /** Resource indicator -> its scopes. */
  resources: Record<string, string[]>
}

/**
 * The consent a user gave a client, remembered across sign-ins (table oidc_consents): a grant of the
 * provider lives only as long as the Heimdall session it was made in, a consent until the user
 * revokes it on the account page (or the user or the client is deleted). Undefined when none is
 * remembered.
 */
export async function findRememberedConsent(ctx: Context, input: { userId: string; clientId: string }): Promise<ConsentedAccess | undefined> {
  const row = await ctx.oidcConsents.findConsent(input.userId, input.clientId)
  return row && accessOf(row)
}

/**
 * Remembers that the user allowed the client `access`, on top of what was allowed before (a consent
 * only grows; the account page's "Revoke access" forgets it whole). Two consents given at the same
 * moment in two browsers may keep only one's addition: the other is then asked again, never granted
 * more. Audited as consent.granted (client_id, the scopes added) when it allows something new.
 */
export async function rememberConsent(ctx: Context, input: { userId: string; clientId: string; access: ConsentedAccess; sessionId?: string }): Promise<void> {
  const existing = await ctx.oidcConsents.findConsent(input.userId, input.clientId)
  const before = existing ? accessOf(existing) : { scopes: [], claims: [], resources: {} }
  const merged: ConsentedAccess = {
    scopes: union(before.scopes, input.access.scopes),
    claims: union(before.claims, input.access.claims),
    resources: Object.fromEntries(
      [...new Set([...Object.keys(before.resources), ...Object.keys(input.access.resources)])].sort().map((indicator) => [indicator, union(before.resources[indicator] ?? [], input.access.resources[indicator] ?? [])]),
    ),
  }
  const row = rowOf(input.userId, input.clientId, merged, existing?.granted_at, ctx.clock.now())
  if (existing && row.scope === existing.scope && row.claims === existing.claims && row.resources === existing.resources) return
  const added = merged.scopes.filter((scope) => !before.scopes.includes(scope))
  await ctx.transaction(async (tx) => {
    await tx.oidcConsents.upsertConsent(row)
    const emits = event('consent.granted', { user_id: input.userId, client_id: input.clientId, scope: added.join(' ') })
    await tx.audit.insertAuditEvent({ type: 'consent.granted', userId: input.userId, sessionId: input.sessionId ?? null, detail: { client_id: input.clientId, scope: added.join(' ') }, emits, actor: `user:${input.userId}` }, row.updated_at)
  })
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].filter((value) => value !== '').sort()
}

/** Space-separated scopes, as the provider writes them. */
function split(scope: string): string[] {
  return scope.split(' ').filter((value) => value !== '')
}

export function accessOf(row: OidcConsentRow): ConsentedAccess {
  const claims = JSON.parse(row.claims) as string[]
  const resources = JSON.parse(row.resources) as Record<string, string>
  return { scopes: split(row.scope), claims, resources: Object.fromEntries(Object.entries(resources).map(([indicator, scope]) => [indicator, split(scope)])) }
}

function rowOf(userId: string, clientId: string, access: ConsentedAccess, grantedAt: number | undefined, now: number): OidcConsentRow {
  return {
    user_id: userId,
    client_id: clientId,
    scope: access.scopes.join(' '),
    claims: JSON.stringify(access.claims),
    resources: JSON.stringify(Object.fromEntries(Object.entries(access.resources).map(([indicator, scopes]) => [indicator, scopes.join(' ')]))),
    granted_at: grantedAt ?? now,
    updated_at: now,
  }
}
