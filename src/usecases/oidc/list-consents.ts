import type { Context } from '../../context.js'
import { accessOf } from './remembered-consent.js'

/** One application the user has let in, as the account page lists it. Times in epoch ms. */
export interface Consent {
  clientId: string
  /** The client's registered name (its id when it no longer has a row). */
  clientName: string
  /** The OpenID Connect scopes allowed (openid, email, roles, offline_access ...), sorted. */
  scopes: string[]
  /** When it was first allowed. */
  grantedAt: number
}

/**
 * The applications the user has let in, one entry per client, newest first: every remembered
 * consent (remembered-consent.ts), and every client holding a live grant of the provider (one made
 * in a session that is still live) without one, such as a grant made before consents were
 * remembered. What is listed is what "Revoke access" takes back.
 */
export async function listConsents(ctx: Context, input: { userId: string }): Promise<Consent[]> {
  const [remembered, grants] = await Promise.all([ctx.oidcConsents.findConsentsByUserId(input.userId), ctx.oidcGrants.findLiveGrantsByUserId(input.userId, ctx.clock.now())])
  const byClient = new Map<string, { scopes: Set<string>; grantedAt: number }>()
  const entryOf = (clientId: string) => byClient.get(clientId) ?? byClient.set(clientId, { scopes: new Set<string>(), grantedAt: Infinity }).get(clientId)!
  for (const consent of remembered) {
    const entry = entryOf(consent.client_id)
    for (const scope of accessOf(consent).scopes) entry.scopes.add(scope)
    entry.grantedAt = Math.min(entry.grantedAt, consent.granted_at)
  }
  for (const grant of grants) {
    const payload = JSON.parse(grant.payload) as { accountId?: string; iat?: number; openid?: { scope?: string } }
    if (payload.accountId !== input.userId) continue
    const entry = entryOf(grant.client_id)
    for (const scope of (payload.openid?.scope ?? '').split(' ')) if (scope) entry.scopes.add(scope)
    // A grant's iat is in whole seconds: the remembered consent's time (milliseconds) wins where there
    // is one, or a consent given in the same second as another would sort before it.
    if (!remembered.some((consent) => consent.client_id === grant.client_id)) entry.grantedAt = Math.min(entry.grantedAt, (payload.iat ?? 0) * 1000)
  }
  const consents = await Promise.all(
    [...byClient].map(async ([clientId, entry]): Promise<Consent> => ({
      clientId,
      clientName: (await ctx.oauthClients.findOAuthClientById(clientId))?.name ?? clientId,
      scopes: [...entry.scopes].sort(),
      grantedAt: entry.grantedAt,
    })),
  )
  return consents.sort((a, b) => b.grantedAt - a.grantedAt)
}
