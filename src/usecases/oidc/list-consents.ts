import type { Context } from '../../context.js'

/** One application the user has let in, as the account page lists it. Times in epoch ms. */
export interface Consent {
  clientId: string
  /** The client's registered name (its id when it no longer has a row). */
  clientName: string
  /** The OpenID Connect scopes granted (openid, email, roles, offline_access ...), sorted. */
  scopes: string[]
  /** When it was first granted (the oldest of its grants). */
  grantedAt: number
}

/**
 * The applications the user has granted access to and that still have it: the provider's grants
 * made in the user's live sessions, one entry per client (a client signed in from two browsers has a
 * grant in each), newest first.
 */
export async function listConsents(ctx: Context, input: { userId: string }): Promise<Consent[]> {
  const grants = await ctx.oidcGrants.findLiveGrantsByUserId(input.userId, Date.now())
  const byClient = new Map<string, { scopes: Set<string>; grantedAt: number }>()
  for (const grant of grants) {
    const payload = JSON.parse(grant.payload) as { accountId?: string; iat?: number; openid?: { scope?: string } }
    if (payload.accountId !== input.userId) continue
    const entry = byClient.get(grant.client_id) ?? { scopes: new Set<string>(), grantedAt: Infinity }
    for (const scope of (payload.openid?.scope ?? '').split(' ')) if (scope) entry.scopes.add(scope)
    entry.grantedAt = Math.min(entry.grantedAt, (payload.iat ?? 0) * 1000)
    byClient.set(grant.client_id, entry)
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
