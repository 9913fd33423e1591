import { randomBytes, randomUUID } from 'node:crypto'
import { event } from '../../domain/events.js'
import type { Context } from '../../context.js'
import { emailProblem, normalizeEmail } from '../../domain/email.js'
import { NO_PASSWORD } from '../../domain/no-password.js'
import { DEFAULT_ROLE } from '../../domain/permissions.js'
import { secondFactorSatisfiedUpstream } from '../../domain/upstream-mfa.js'
import { HeimdallError } from '../../errors.js'
import type { IdentityProviderRow, UserRow } from '../../infra/db/tables.js'
import { isUniqueViolation } from '../../infra/db/unique-violation.js'
import type { UpstreamIdentity } from '../../infra/federation/upstream-client.js'
import { linkIdentity } from './link-identity.js'
import { secretHash } from './secret-hash.js'

/** How long the person has to prove the local account before the pending link lapses. */
export const PENDING_LINK_TTL_MS = 15 * 60_000

export type ResolvedUpstreamSignIn =
  | { kind: 'signed-in'; userId: string; created: boolean; upstreamAmr: string[]; secondFactorSatisfiedUpstream: boolean }
  | { kind: 'link-required'; pendingLinkToken: string; email: string }

interface ResolveInput {
  provider: IdentityProviderRow
  identity: UpstreamIdentity
  returnTo: string | null
  interactionUid: string | null
  ip?: string
}

/**
 * THE LINKING POLICY (docs/federation.md). Identities are found by (provider, subject), never by
 * address: a known identity signs in its own user, whatever address the upstream says today. An
 * unknown identity whose address no account has gets a new account when the provider's
 * create_accounts is on (verified only if the upstream asserts it AND the provider is trusted for
 * addresses). One whose address an account has is never merged silently: link-required, and the
 * person proves that account (linkPendingIdentity); except with auto_link, when the upstream asserts
 * the address verified, the provider is trusted for it, and the local account's address is verified
 * too (a squatter's unverified account gets nothing). Throws auth.account_disabled,
 * federation.email_missing, federation.account_creation_disabled.
 */
export async function resolveUpstreamIdentity(ctx: Context, input: ResolveInput, attempt = 1): Promise<ResolvedUpstreamSignIn> {
  const { provider, identity } = input
  const now = ctx.clock.now()
  const signedIn = (user: UserRow, created: boolean): ResolvedUpstreamSignIn => ({
    kind: 'signed-in',
    userId: user.id,
    created,
    upstreamAmr: identity.amr,
    secondFactorSatisfiedUpstream: secondFactorSatisfiedUpstream(Boolean(provider.trust_mfa), identity.amr, identity.acr),
  })
  // RFC 5321's 254 (emailProblem) for a new account; a longer one is still recorded up to the column's 320.
  const email = identity.email === null || identity.email.length > 320 ? null : normalizeEmail(identity.email)
  if (identity.subject === '' || identity.subject.length > 255) {
    throw new HeimdallError('federation.upstream_invalid', `${provider.name} gave a subject of ${identity.subject.length} characters: OpenID Connect allows 1 to 255`)
  }
  try {
    const known = await ctx.userIdentities.findUserIdentityBySubject(provider.id, identity.subject)
    if (known) {
      const user = (await ctx.users.findUserById(known.user_id))!
      await refuseDisabled(ctx, user, provider, input.ip)
      await ctx.userIdentities.updateUserIdentitySignedIn(known.id, email, now)
      await ctx.audit.insertAuditEvent({ type: 'federation.signed_in', userId: user.id, detail: { provider: provider.name, ip: input.ip } }, now)
      return signedIn(user, false)
    }
    if (email === null || emailProblem(email)) {
      throw new HeimdallError('federation.email_missing', `${provider.name} did not give a usable email address for this account: no account can be made or found for it`)
    }
    const verifiedUpstream = identity.emailVerified && Boolean(provider.trust_email)
    const local = await ctx.users.findUserByEmail(email)
    if (!local) return signedIn(await createAccount(ctx, input, email, verifiedUpstream, now), true)
    if (provider.auto_link && verifiedUpstream && local.email_verified_at !== null) {
      await refuseDisabled(ctx, local, provider, input.ip)
      await linkIdentity(ctx, local.id, provider, identity, email, 'auto', now)
      return signedIn(local, false)
    }
    const pendingLinkToken = randomBytes(32).toString('base64url')
    await ctx.federationFlows.insertPendingLink({
      token_hash: secretHash(pendingLinkToken),
      provider_id: provider.id,
      subject: identity.subject,
      email,
      email_verified: verifiedUpstream,
      return_to: input.returnTo,
      interaction_uid: input.interactionUid,
      created_at: now,
      expires_at: now + PENDING_LINK_TTL_MS,
    })
    await ctx.audit.insertAuditEvent({ type: 'federation.link_required', userId: local.id, detail: { provider: provider.name, ip: input.ip } }, now)
    return { kind: 'link-required', pendingLinkToken, email }
  } catch (error) {
    // A parallel sign-in of the same identity (or a registration of the address) got there first: decide again, once.
    if (attempt === 1 && isUniqueViolation(error)) return resolveUpstreamIdentity(ctx, input, 2)
    throw error
  }
}

async function refuseDisabled(ctx: Context, user: UserRow, provider: IdentityProviderRow, ip: string | undefined): Promise<void> {
  if (!user.disabled) return
  await ctx.audit.insertAuditEvent({ type: 'login.failed', userId: user.id, detail: { reason: 'user_disabled', provider: provider.name, ip } })
  throw new HeimdallError('auth.account_disabled', 'Account is disabled')
}

/** A new account with no password (domain/no-password.ts), its identity, in one transaction. */
async function createAccount(ctx: Context, input: ResolveInput, email: string, verified: boolean, now: number): Promise<UserRow> {
  const { provider, identity } = input
  if (!provider.create_accounts) {
    throw new HeimdallError('federation.account_creation_disabled', `No account here has the address ${provider.name} gave, and signing in with ${provider.name} does not create one: ask an administrator`)
  }
  const roles = await ctx.roles.findRolesByNames([DEFAULT_ROLE])
  const userId = randomUUID()
  await ctx.transaction(async (tx) => {
    await tx.users.insertUserWithRoles({ id: userId, email, passwordHash: NO_PASSWORD, roleIds: roles.map((role) => role.id), now })
    if (verified) await tx.users.updateUserEmailVerified(userId, now)
    await tx.userIdentities.insertUserIdentity({ id: randomUUID(), user_id: userId, provider_id: provider.id, subject: identity.subject, email, linked_at: now, last_sign_in_at: now })
    const actor = `user:${userId}`
    const emits = event('user.created', { user_id: userId, email, roles: [DEFAULT_ROLE], by: 'federation' })
    await tx.audit.insertAuditEvent({ type: 'user.registered', userId, detail: { roles: [DEFAULT_ROLE], by: 'federation', provider: provider.name, email_verified: verified }, emits, actor }, now)
    await tx.audit.insertAuditEvent({ type: 'federation.identity_linked', userId, detail: { provider: provider.name, how: 'created' }, emits: event('identity.linked', { user_id: userId, provider: provider.name }), actor }, now)
  })
  return (await ctx.users.findUserById(userId))!
}
