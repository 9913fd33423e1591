import type { Context } from '../../context.js'
import type { ProviderGrants } from '../../infra/oidc/provider-internals.js'
import { findRememberedConsent } from './remembered-consent.js'
import { linkGrantToSession, sessionOfGrant, sessionOfLogin } from './session-link.js'

/** The authorization a grant is chosen for: who, for which client, in which sign-in, and the provider's own candidate. */
export interface GrantChoiceInput {
  accountId: string
  clientId: string
  /** When the provider's sign-in happened (epoch seconds), naming it (session-link.ts). */
  loginTs?: number
  /** The grant the provider would continue with: the one its consent step just made, or the one its session holds for the client. */
  candidateGrantId?: string
}

/**
 * The grant an authorization (or a device's user code confirmed in the browser) continues with,
 * before the provider decides whether to ask for consent (oidc-provider's loadExistingGrant). Two rules:
 *
 * - A grant belongs to one Heimdall session (session-link.ts), and what an authorization issues
 *   (codes, then tokens) is issued under its grant: the provider's own choice is kept only when it
 *   is the account's grant to the client and was made in the Heimdall session of the current
 *   sign-in. A grant of an earlier sign-in in the same browser (a new sign-in with prompt=login or
 *   max_age, a new account session) stays with its own session; this authorization gets a new grant,
 *   so that ending the current session ends what it gave, and ending the earlier one does not.
 * - Consent outlives a sign-in (remembered-consent.ts): the new grant is built from what the user
 *   allowed the client before, saved and linked to the current session; the provider then asks only
 *   for what was never allowed (or for everything when the request says prompt=consent). Nothing
 *   remembered: undefined, and the provider starts an empty grant, which the consent step fills and
 *   links.
 */
export async function chooseExistingGrant<T>(ctx: Context, input: GrantChoiceInput, grants: ProviderGrants<T>): Promise<T | undefined> {
  const { accountId, clientId, loginTs, candidateGrantId } = input
  const current = loginTs ? await sessionOfLogin(ctx, { accountId, loginTs }) : undefined

  if (candidateGrantId) {
    const found = await grants.find(candidateGrantId)
    if (found && found.accountId === accountId && found.clientId === clientId && (await sessionOfGrant(ctx, candidateGrantId)) === current) return found.grant
  }

  const consent = await findRememberedConsent(ctx, { userId: accountId, clientId })
  if (!consent) return undefined
  const { grant, grantId } = await grants.create({ accountId, clientId, access: consent })
  if (current) await linkGrantToSession(ctx, { grantId, sessionId: current })
  return grant
}
