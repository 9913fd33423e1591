import type { KoaContextWithOIDC } from 'oidc-provider'
import type { Context } from '../../context.js'
import { providerGrantsOf, signInOf } from '../../infra/oidc/provider-internals.js'
import { chooseExistingGrant } from '../../usecases/oidc/existing-grant.js'

/**
 * oidc-provider's loadExistingGrant: the request's account, client, sign-in and the provider's own
 * candidate grant (its consent step's, or its session's for the client) handed to the policy
 * (usecases/oidc/existing-grant.ts), which answers the grant to continue with, or undefined for an
 * empty one.
 */
export function loadExistingGrantOfSession(context: Context) {
  return async function loadExistingGrant(ctx: KoaContextWithOIDC): Promise<object | undefined> {
    const { oidc } = ctx
    const clientId: string = oidc.client.clientId
    return chooseExistingGrant(
      context,
      {
        accountId: oidc.session.accountId,
        clientId,
        loginTs: signInOf(oidc.session)?.loginTs,
        candidateGrantId: oidc.result?.consent?.grantId || oidc.session.grantIdFor(clientId),
      },
      providerGrantsOf(oidc.provider),
    )
  }
}
