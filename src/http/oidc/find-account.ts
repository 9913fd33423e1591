import type { KoaContextWithOIDC } from 'oidc-provider'
import type { Context } from '../../context.js'
import { forgetSignIn, signInOf, type ProviderSession } from '../../infra/oidc/provider-internals.js'
import { findOidcAccount } from '../../usecases/oidc/find-oidc-account.js'
import { rememberGrantSession } from './refresh-token-reuse.js'

/**
 * oidc-provider's findAccount over the use case (usecases/oidc/find-oidc-account.ts): the grant of the
 * token presented, or the provider session's sign-in. A sign-in that outlived its Heimdall session is
 * forgotten by the provider's session, so that the user signs in again; the Heimdall session behind a
 * grant is noted on the request, for refresh-token reuse (refresh-token-reuse.ts).
 */
export function findAccountOfSession(context: Context) {
  return async function findAccount(ctx: KoaContextWithOIDC, sub: string, token?: { grantId?: string }) {
    const session = ctx.oidc?.session as ProviderSession | undefined
    const answer = await findOidcAccount(context, { sub, grantId: token?.grantId, signIn: token?.grantId ? undefined : signInOf(session) })
    if (answer.sessionId) rememberGrantSession(ctx, answer.sessionId)
    if (answer.signInEnded && session) forgetSignIn(session)
    const { claims } = answer
    return claims ? { accountId: sub, claims: async () => claims } : undefined
  }
}
