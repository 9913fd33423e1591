import type { Context } from '../../context.js'
import type { IdentityProviderKind, IdentityProviderPreset, IdentityProviderRow } from '../../infra/db/tables.js'

/** An identity provider as operators and pages see it: never its client secret. */
export interface ProviderSummary {
  id: string
  name: string
  kind: IdentityProviderKind
  preset: IdentityProviderPreset | null
  issuer: string
  apiBaseUrl: string | null
  clientId: string
  scopes: string[]
  trustEmail: boolean
  trustMfa: boolean
  autoLink: boolean
  createAccounts: boolean
  buttonLabel: string
  enabled: boolean
  /** What to register at the upstream as the redirect (callback) URI. */
  redirectUri: string
  /** Epoch ms. */
  createdAt: number
  updatedAt: number
}

/** The callback a provider's sign-ins come back to: `${HEIMDALL_PUBLIC_URL}/account/sign-in/NAME/callback`. */
export function redirectUriOf(ctx: Context, name: string): string {
  return `${ctx.config.publicUrl}${callbackPathOf(name)}`
}

/** The path of provider `name`'s redirect URI below the public URL (names are [a-z0-9-]: nothing to escape). */
export function callbackPathOf(name: string): string {
  return `/account/sign-in/${name}/callback`
}

/** A provider row as operators and pages see it (booleans as booleans, times as numbers, no secret). */
export function providerSummary(ctx: Context, row: IdentityProviderRow): ProviderSummary {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    preset: row.preset,
    issuer: row.issuer,
    apiBaseUrl: row.api_base_url,
    clientId: row.client_id,
    scopes: row.scopes.split(' ').filter(Boolean),
    trustEmail: Boolean(row.trust_email),
    trustMfa: Boolean(row.trust_mfa),
    autoLink: Boolean(row.auto_link),
    createAccounts: Boolean(row.create_accounts),
    buttonLabel: row.button_label ?? `Continue with ${row.name}`,
    enabled: Boolean(row.enabled),
    redirectUri: redirectUriOf(ctx, row.name),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  }
}
