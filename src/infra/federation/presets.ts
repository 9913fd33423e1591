import type { IdentityProviderKind, IdentityProviderPreset } from '../db/tables.js'

/** What a preset fixes about an upstream provider; the operator brings the client id and secret. */
export interface ProviderPreset {
  kind: IdentityProviderKind
  /** The issuer identifier (kind oidc) or the web base URL (kind github). */
  issuer: string
  /** Kind github: the REST API's base URL. */
  apiBaseUrl?: string
  scopes: string[]
  buttonLabel: string
  /**
   * Whether the upstream's address claim may ever be trusted for linking and verification. Microsoft's
   * `email` claim is whatever the tenant's administrator typed, unverified and mutable ("nOAuth"): never.
   */
  emailTrustable: boolean
  /** Where the operator creates the app and registers the redirect URI (docs/federation.md). */
  console: string
}

export const PRESETS: Readonly<Record<IdentityProviderPreset, ProviderPreset>> = {
  google: {
    kind: 'oidc',
    issuer: 'https://accounts.google.com',
    scopes: ['openid', 'email', 'profile'],
    buttonLabel: 'Continue with Google',
    emailTrustable: true,
    console: 'https://console.cloud.google.com/apis/credentials (OAuth client ID, type "Web application")',
  },
  microsoft: {
    kind: 'oidc',
    // Multi-tenant: the ID tokens carry the tenant's issuer https://login.microsoftonline.com/{tid}/v2.0.
    issuer: 'https://login.microsoftonline.com/common/v2.0',
    scopes: ['openid', 'email', 'profile'],
    buttonLabel: 'Continue with Microsoft',
    emailTrustable: false,
    console: 'https://entra.microsoft.com (App registrations, platform "Web")',
  },
  github: {
    kind: 'github',
    issuer: 'https://github.com',
    apiBaseUrl: 'https://api.github.com',
    // read:user for GET /user, user:email for GET /user/emails (the verified addresses).
    scopes: ['read:user', 'user:email'],
    buttonLabel: 'Continue with GitHub',
    emailTrustable: true,
    console: 'https://github.com/settings/developers (OAuth Apps, "New OAuth App")',
  },
}

export const PRESET_NAMES = Object.keys(PRESETS) as IdentityProviderPreset[]

/** The default scopes of a generic OpenID Connect provider. */
export const OIDC_DEFAULT_SCOPES = ['openid', 'email', 'profile']

/** The issuer Microsoft's multi-tenant endpoint signs a tenant's ID tokens as: the `iss` must equal it for the token's `tid`. */
export function microsoftTenantIssuer(tid: string): string {
  return `https://login.microsoftonline.com/${tid}/v2.0`
}
