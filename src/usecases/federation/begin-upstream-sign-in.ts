import { randomBytes } from 'node:crypto'
import * as oidc from 'openid-client'
import type { Context } from '../../context.js'
import { validationError } from '../../errors.js'
import { findEnabledProviderOrFail } from './find-provider.js'
import { redirectUriOf } from './provider-summary.js'
import { secretHash } from './secret-hash.js'
import { upstreamOf } from './upstream-of.js'

/** How long a person has at the upstream before the sign-in must start again. */
export const FLOW_TTL_MS = 10 * 60_000

export interface BeginUpstreamSignInInput {
  provider: string
  /** Where to go once signed in: a path on this server ("/account"), never another origin. */
  returnTo?: string
  /** The OpenID Connect interaction this sign-in finishes, when a relying party sent the person. */
  interactionUid?: string
  /**
   * Links the upstream identity to this signed-in user instead of signing in (the account page's
   * "link another"; the page has checked the session, and a recent authentication if it wants one).
   */
  linkToUserId?: string
}

export interface BegunUpstreamSignIn {
  /** Where to send the browser: the upstream's authorization endpoint with state, nonce and the PKCE challenge. */
  authorizationUrl: string
  /** 256 random bits for an HttpOnly cookie: completeUpstreamSignIn wants it back with the callback. */
  flowId: string
  /** Epoch ms. */
  expiresAt: number
}

/**
 * Starts a sign-in (or, with linkToUserId, a link) at an upstream provider: authorization code flow with PKCE (S256), a fresh state
 * and nonce, all kept server-side for FLOW_TTL_MS under the hash of a flow id that only the browser
 * gets (a cookie): a callback without that cookie, or with another sign-in's, finishes nothing.
 * Throws federation.provider_not_found, federation.provider_disabled, validation.failed (returnTo not a
 * local path), federation.upstream_unavailable / upstream_invalid (discovery failed).
 */
export async function beginUpstreamSignIn(ctx: Context, input: BeginUpstreamSignInInput): Promise<BegunUpstreamSignIn> {
  if (input.returnTo !== undefined && !isLocalPath(input.returnTo)) {
    throw validationError([{ loc: ['return_to'], msg: 'return_to must be a path on this server, such as /account', type: 'value_error' }])
  }
  const provider = await findEnabledProviderOrFail(ctx, input.provider)
  const client = await upstreamOf(ctx, provider)
  const flowId = randomBytes(32).toString('base64url')
  const request = { redirectUri: redirectUriOf(ctx, provider.name), state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier() }
  const authorizationUrl = await client.authorizationUrl(request)
  const now = ctx.clock.now()
  const expiresAt = now + FLOW_TTL_MS
  // Rows of abandoned sign-ins go here rather than on a timer: one indexed delete per sign-in started.
  await ctx.federationFlows.deleteExpiredBefore(now)
  await ctx.federationFlows.insertFlow({
    id_hash: secretHash(flowId),
    provider_id: provider.id,
    state: request.state,
    code_verifier: request.codeVerifier,
    nonce: request.nonce,
    return_to: input.returnTo ?? null,
    interaction_uid: input.interactionUid ?? null,
    link_user_id: input.linkToUserId ?? null,
    created_at: now,
    expires_at: expiresAt,
  })
  return { authorizationUrl: authorizationUrl.href, flowId, expiresAt }
}

/** "/x...", not "//host" nor "/\host" (which browsers read as another origin): no open redirect. */
function isLocalPath(value: string): boolean {
  return value.startsWith('/') && !value.startsWith('//') && !value.includes('\\') && value.length <= 2000 && !/[\u0000-\u001f]/.test(value)
}
