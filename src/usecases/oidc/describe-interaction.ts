import type { Context } from '../../context.js'

/** What the interaction pages show of a sign-in or consent request: who asks, and as whom. */
export interface InteractionParties {
  /** The client's registered name; its client_id when it has none or is unknown. */
  clientName: string
  /** A first-party client is granted what it asks for without a consent page. */
  firstParty: boolean
  /** The signed-in user's email, when `accountId` was given ("" when that user is gone). */
  email?: string
}

/**
 * The client of an OpenID Connect interaction (and, for the consent page, the user it asks about), in
 * the words of the pages. Throws nothing of its own: an unknown client reads as its id, not first
 * party (the provider has already checked the client; this only names it).
 */
export async function describeInteraction(ctx: Context, input: { clientId: string; accountId?: string }): Promise<InteractionParties> {
  const [client, user] = await Promise.all([
    ctx.oauthClients.findOAuthClientById(input.clientId),
    input.accountId === undefined ? undefined : ctx.users.findUserById(input.accountId),
  ])
  const parties: InteractionParties = { clientName: client?.name ?? input.clientId, firstParty: Boolean(client?.first_party) }
  if (input.accountId !== undefined) parties.email = user?.email ?? ''
  return parties
}
