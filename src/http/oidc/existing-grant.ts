import type { KoaContextWithOIDC } from 'oidc-provider'
import type { Context } from '../../context.js'
import { findRememberedConsent } from '../../usecases/oidc/remembered-consent.js'
import { linkGrantToSession, sessionOfGrant, sessionOfLogin } from '../../usecases/oidc/session-link.js'

/** The part of oidc-provider's Grant model used here. */
interface ProviderGrant {
  jti?: string
  accountId: string
  clientId: string
  addOIDCScope(scope: string): void
  addOIDCClaims(claims: string[]): void
  addResourceScope(indicator: string, scope: string): void
  save(): Promise<string>
}

/**
 * oidc-provider's loadExistingGrant: the grant an authorization (or a device's user code confirmed in
 * the browser) continues with, before the provider decides whether to ask for consent. Two rules:
 *
 * - A grant belongs to one Heimdall session (session-link.ts), and what an authorization issues
 *   (codes, then tokens) is issued under its grant: the provider's own choice (the grant the consent
 *   step just made, or the one its session holds for the client) is kept only when it was made in
 *   the Heimdall session of the current sign-in. A grant of an earlier sign-in in the same browser (a
 *   new sign-in with prompt=login or max_age, a new account session) stays with its own session; this
 *   authorization gets a new grant, so that ending the current session ends what it gave, and ending
 *   the earlier one does not.
 * - Consent outlives a sign-in (remembered-consent.ts): the new grant is built from what the user
 *   allowed the client before, saved and linked to the current session; the provider then asks only
 *   for what was never allowed (or for everything when the request says prompt=consent). Nothing
 *   remembered: undefined, and the provider starts an empty grant, which the consent step fills and
 *   links.
 */
export function loadExistingGrantOfSession(context: Context) {
  return async function loadExistingGrant(ctx: KoaContextWithOIDC): Promise<ProviderGrant | undefined> {
    const { oidc } = ctx
    const accountId: string = oidc.session.accountId
    const clientId: string = oidc.client.clientId
    const loginTs: number | undefined = oidc.session.loginTs
    const current = loginTs ? await sessionOfLogin(context, { accountId, loginTs }) : undefined

    const grantId: string | undefined = oidc.result?.consent?.grantId || oidc.session.grantIdFor(clientId)
    if (grantId) {
      const grant = (await oidc.provider.Grant.find(grantId)) as ProviderGrant | undefined
      if (grant && grant.accountId === accountId && grant.clientId === clientId && (await sessionOfGrant(context, grantId)) === current) return grant
    }

    const consent = await findRememberedConsent(context, { userId: accountId, clientId })
    if (!consent) return undefined
    const grant = new oidc.provider.Grant({ accountId, clientId }) as ProviderGrant
    if (consent.scopes.length > 0) grant.addOIDCScope(consent.scopes.join(' '))
    if (consent.claims.length > 0) grant.addOIDCClaims(consent.claims)
    for (const [indicator, scopes] of Object.entries(consent.resources)) grant.addResourceScope(indicator, scopes.join(' '))
    const saved = await grant.save()
    if (current) await linkGrantToSession(context, { grantId: saved, sessionId: current })
    return grant
  }
}
