import * as oidc from 'openid-client'
import { HeimdallError } from '../../errors.js'
import type { IdentityProviderKind, IdentityProviderPreset } from '../db/tables.js'
import { createGithubClient } from './github-client.js'
import { createOidcClient } from './oidc-client.js'

/** What the upstream client needs to know about a provider, its client secret opened. */
export interface UpstreamSettings {
  id: string
  kind: IdentityProviderKind
  preset: IdentityProviderPreset | null
  issuer: string
  apiBaseUrl: string | null
  clientId: string
  clientSecret: string
  scopes: string[]
  /** Epoch ms: a changed provider is discovered again. */
  updatedAt: number
}

/** One sign-in's secrets, kept by Heimdall between the redirect to the upstream and its callback. */
export interface UpstreamRequest {
  redirectUri: string
  state: string
  nonce: string
  codeVerifier: string
}

/** Who the upstream says signed in. */
export interface UpstreamIdentity {
  /** Stable at this provider: the ID token's `sub` (Microsoft: "tid:sub"), GitHub's numeric user id. */
  subject: string
  /** Normalised later; null when the upstream gave none. */
  email: string | null
  /** True only when the upstream asserts the address verified (and the preset allows trusting it at all). */
  emailVerified: boolean
  /** RFC 8176 methods the upstream says it used (the ID token's `amr`), [] when it says none. */
  amr: string[]
  acr: string | null
}

export interface UpstreamClient {
  /** The authorization request (code flow, PKCE S256, state, and nonce for OpenID Connect). */
  authorizationUrl(request: UpstreamRequest): Promise<URL>
  /**
   * Checks the callback (state, RFC 9207 `iss` where the upstream offers it), exchanges the code with
   * the PKCE verifier, validates the ID token (signature, iss, aud, exp, nonce) or calls GitHub's API.
   * Throws federation.upstream_refused (the upstream answered an error), federation.upstream_invalid
   * (a check failed), federation.upstream_unavailable (it could not be reached).
   */
  complete(callbackUrl: URL, request: UpstreamRequest): Promise<UpstreamIdentity>
}

/** The client for one provider's kind; discovery (kind oidc) happens here. */
export async function createUpstreamClient(settings: UpstreamSettings): Promise<UpstreamClient> {
  try {
    return settings.kind === 'github' ? createGithubClient(settings) : await createOidcClient(settings)
  } catch (error) {
    throw upstreamError(error)
  }
}

/** An openid-client failure as the HeimdallError a person can read; a HeimdallError passes through. */
export function upstreamError(error: unknown): HeimdallError {
  if (error instanceof HeimdallError) return error
  if (error instanceof oidc.AuthorizationResponseError || error instanceof oidc.ResponseBodyError) {
    const description = error.error_description ? `: ${error.error_description}` : ''
    const cancelled = error.error === 'access_denied' ? ' (the sign-in was cancelled or not allowed)' : ''
    return new HeimdallError('federation.upstream_refused', `The identity provider refused the sign-in${cancelled} (${error.error}${description})`)
  }
  if (error instanceof oidc.ClientError) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : ''
    if (error.code === 'OAUTH_TIMEOUT' || error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || error.code === 'OAUTH_RESPONSE_IS_NOT_JSON') {
      return new HeimdallError('federation.upstream_unavailable', `The identity provider did not answer as expected (${error.message}${cause})`)
    }
    return new HeimdallError('federation.upstream_invalid', `The identity provider's answer failed its checks, so it was not trusted (${error.message}${cause})`)
  }
  if (error instanceof TypeError) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : ''
    return new HeimdallError('federation.upstream_unavailable', `The identity provider could not be reached (${error.message}${cause})`)
  }
  return new HeimdallError('federation.upstream_invalid', `The identity provider's answer could not be used (${(error as Error).message})`)
}
