import type { IdentityProviderKind, IdentityProviderPreset } from '../db/tables.js'

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
