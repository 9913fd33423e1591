import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import type { IdentityProviderRow } from '../../infra/db/tables.js'
import { isUniqueViolation } from '../../infra/db/unique-violation.js'
import type { UpstreamIdentity } from '../../infra/federation/upstream-client.js'
import { linkIdentity } from './link-identity.js'

/**
 * Links the identity an upstream has just vouched for to the signed-in user who started the flow
 * from the account page: the person proved both sides (the local session, the upstream sign-in), so
 * the addresses need not match. An identity already linked to this user is left as it is; one linked
 * to another account is refused (federation.identity_taken), never moved. Throws user.not_found,
 * auth.account_disabled.
 */
export async function linkSignedInIdentity(ctx: Context, input: { userId: string; provider: IdentityProviderRow; identity: UpstreamIdentity }): Promise<{ kind: 'linked'; userId: string; alreadyLinked: boolean }> {
  const user = await ctx.users.findUserById(input.userId)
  if (!user) throw new HeimdallError('user.not_found', 'The account this link was started from no longer exists')
  if (user.disabled) throw new HeimdallError('auth.account_disabled', 'Account is disabled')
  const taken = () => new HeimdallError('federation.identity_taken', `This ${input.provider.name} identity is already linked to another account`)
  const known = await ctx.userIdentities.findUserIdentityBySubject(input.provider.id, input.identity.subject)
  if (known) {
    if (known.user_id !== user.id) throw taken()
    return { kind: 'linked', userId: user.id, alreadyLinked: true }
  }
  try {
    await linkIdentity(ctx, user.id, input.provider, input.identity, input.identity.email, 'account_page', ctx.clock.now())
  } catch (error) {
    if (isUniqueViolation(error)) throw taken()
    throw error
  }
  return { kind: 'linked', userId: user.id, alreadyLinked: false }
}
