import { timingSafeEqual } from 'node:crypto'
import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { requireEnabled } from './find-provider.js'
import { callbackPathOf, redirectUriOf } from './provider-summary.js'
import { linkSignedInIdentity } from './link-signed-in-identity.js'
import { resolveUpstreamIdentity, type ResolvedUpstreamSignIn } from './resolve-upstream-identity.js'
import { secretHash } from './secret-hash.js'
import { upstreamOf } from './upstream-of.js'

export interface CompleteUpstreamSignInInput {
  /** The callback's full URL as the browser requested it (its query carries code, state, iss or error). */
  callbackUrl: string
  /** The flow id from the cookie beginUpstreamSignIn's caller set. */
  flowId: string
  ip?: string
  /** The user of the live account session the callback came with, if any: a link (linkToUserId) finishes only with that user's. */
  accountUserId?: string
}

/** The result, with where the person was going. */
export type CompletedUpstreamSignIn = (ResolvedUpstreamSignIn | { kind: 'linked'; userId: string; alreadyLinked: boolean }) & {
  provider: string
  returnTo: string | null
  interactionUid: string | null
}

/**
 * Finishes a sign-in at an upstream provider. The flow is spent first, whatever follows (a replayed
 * callback, or a second one racing it, finds it spent), and its state must be the callback's. Then
 * openid-client checks the answer (RFC 9207 `iss` where offered, the code exchange with the PKCE
 * verifier, the ID token's signature, iss, aud, exp and nonce), and the linking policy of
 * resolve-upstream-identity.ts decides whose account it is; a flow started from the account page
 * (linkToUserId) links the identity to that user instead (link-signed-in-identity.ts, kind 'linked'),
 * only when the callback comes with a live account session of that user (accountUserId): one that
 * ended meanwhile (logout-all, a password change) links nothing, or whoever held it for a moment
 * could finish a link started then and keep a way in.
 * Opens no session: the caller's sign-in
 * seam does, asking for the account's second factor unless secondFactorSatisfiedUpstream.
 * Throws federation.invalid_callback (no such flow, spent, expired, another state, or an answer at
 * another provider's redirect URI),
 * federation.provider_not_found / provider_disabled, federation.upstream_refused (an error answer,
 * access_denied when the person cancelled), federation.upstream_invalid, federation.upstream_unavailable,
 * and what resolveUpstreamIdentity and linkSignedInIdentity throw.
 */
export async function completeUpstreamSignIn(ctx: Context, input: CompleteUpstreamSignInInput): Promise<CompletedUpstreamSignIn> {
  const flow = input.flowId === '' ? undefined : await ctx.federationFlows.consumeFlow(secretHash(input.flowId), ctx.clock.now())
  if (!flow) throw invalidCallback('This sign-in was already finished or has expired: start it again')
  const callback = parseUrl(input.callbackUrl)
  const state = callback?.searchParams.get('state') ?? ''
  if (!sameText(state, flow.state)) throw invalidCallback('This answer does not belong to the sign-in this browser started: start it again')
  if (flow.link_user_id !== null && input.accountUserId !== flow.link_user_id) {
    throw invalidCallback('The account sign-in that started this link has ended: sign in and link it again')
  }

  const provider = await ctx.identityProviders.findIdentityProviderById(flow.provider_id)
  if (!provider) throw new HeimdallError('federation.provider_not_found', 'The identity provider of this sign-in no longer exists')
  requireEnabled(provider)
  // Each provider has a redirect URI of its own so that an answer shows which provider it is from: one
  // that came back to another provider's is refused (the mix-up defence of RFC 9700 section 4.4.2).
  // The end of the path only: behind a proxy the caller may see the URL with or without a mount path.
  if (!callback!.pathname.endsWith(callbackPathOf(provider.name))) {
    throw invalidCallback(`This answer came back to another provider's address than the ${provider.name} sign-in this browser started: start it again`)
  }
  // The answer's parameters on the redirect URI registered upstream, whatever URL the caller saw.
  const redirectUri = redirectUriOf(ctx, provider.name)
  const answer = new URL(redirectUri)
  answer.search = callback!.search
  const client = await upstreamOf(ctx, provider)
  const identity = await client.complete(answer, { redirectUri, state: flow.state, nonce: flow.nonce, codeVerifier: flow.code_verifier }).catch(async (error: unknown) => {
    // A refusal, or an answer that failed its checks (a forged one among them), is for the operator to see.
    if (error instanceof HeimdallError) await ctx.audit.insertAuditEvent({ type: 'federation.sign_in_failed', detail: { provider: provider.name, code: error.code, ip: input.ip } })
    throw error
  })
  const resolved =
    flow.link_user_id !== null
      ? await linkSignedInIdentity(ctx, { userId: flow.link_user_id, provider, identity })
      : await resolveUpstreamIdentity(ctx, { provider, identity, returnTo: flow.return_to, interactionUid: flow.interaction_uid, ip: input.ip })
  return { ...resolved, provider: provider.name, returnTo: flow.return_to, interactionUid: flow.interaction_uid }
}

function invalidCallback(message: string): HeimdallError {
  return new HeimdallError('federation.invalid_callback', message)
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value)
  } catch {
    return undefined
  }
}

function sameText(a: string, b: string): boolean {
  const [left, right] = [Buffer.from(a), Buffer.from(b)]
  return left.length === right.length && timingSafeEqual(left, right)
}
