import type { Context } from '../../context.js'
import { getOidcClaims, type OidcClaims } from './get-oidc-claims.js'
import { isLinkedSessionLive, linkedSessionOf } from './session-link.js'

/** What the provider asks about: the subject, and the grant of the token presented or the provider's sign-in. */
export interface OidcAccountQuery {
  sub: string
  /** The grant of the token presented (code exchange, refresh, userinfo), when there is one. */
  grantId?: string
  /** The provider session's sign-in (an authorization), when it has one. */
  signIn?: { accountId: string; loginTs: number }
}

/** The answer: the account's claims when it may be served, the Heimdall session found behind the grant, and whether the provider's sign-in outlived its Heimdall session. */
export interface OidcAccountAnswer {
  claims?: OidcClaims
  /** The Heimdall session the grant was made in (for what happens to it on refresh-token reuse). */
  sessionId?: string
  /** The provider's sign-in outlived its Heimdall session: the door makes the provider forget it, so the user signs in again. */
  signInEnded?: boolean
}

/**
 * oidc-provider's findAccount, asked on every code exchange, refresh, userinfo call and
 * authorization: a grant whose Heimdall session ended is dead (no claims), and a provider sign-in
 * whose Heimdall session ended is over (signInEnded, no claims). Otherwise the user's claims
 * (getOidcClaims, which answers none for a deleted or disabled user), shaped by the grant's session.
 */
export async function findOidcAccount(ctx: Context, query: OidcAccountQuery): Promise<OidcAccountAnswer> {
  const { sub, grantId, signIn } = query
  let sessionId: string | undefined
  if (grantId) {
    const linked = await linkedSessionOf(ctx, { grantId })
    if (!linked.live) return {}
    sessionId = linked.sessionId
  } else if (signIn?.accountId === sub && !(await isLinkedSessionLive(ctx, { login: signIn }))) {
    return { signInEnded: true }
  }
  return { claims: await getOidcClaims(ctx, sub, sessionId), sessionId }
}
