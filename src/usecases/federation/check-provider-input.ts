import type { FieldError } from '../../errors.js'
import type { IdentityProviderKind, IdentityProviderPreset } from '../../infra/db/tables.js'
import { OIDC_DEFAULT_SCOPES, PRESET_NAMES, PRESETS } from '../../infra/federation/presets.js'
import { upstreamUrlProblem } from '../../infra/federation/upstream-url.js'

export interface ProviderInput {
  /** [a-z0-9-], 1 to 64 characters, starting with a letter or digit: it names the callback path. */
  name: string
  preset?: string
  /** Required without a preset; a preset's own otherwise (override: a single tenant, GitHub Enterprise). */
  issuer?: string
  /** Kind github only: the REST API's base URL (default https://api.github.com). */
  apiBaseUrl?: string
  clientId: string
  clientSecret: string
  /** Default: the preset's, else openid email profile; an OpenID Connect provider always gets openid. */
  scopes?: string[]
  trustEmail: boolean
  trustMfa: boolean
  autoLink: boolean
  createAccounts: boolean
  buttonLabel?: string
}

export interface CheckedProvider {
  name: string
  kind: IdentityProviderKind
  preset: IdentityProviderPreset | null
  issuer: string
  apiBaseUrl: string | null
  clientId: string
  scopes: string[]
  buttonLabel: string | null
}

const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/
const RESERVED_NAMES = new Set(['link'])
// RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/

/** The provider's settings once checked, and one FieldError per problem (loc: the input's snake_case name). */
export function checkProviderInput(input: ProviderInput): { problems: FieldError[]; checked: CheckedProvider } {
  const problems: FieldError[] = []
  const problem = (field: string, msg: string) => problems.push({ loc: [field], msg, type: 'value_error' })
  if (!NAME.test(input.name)) problem('name', `The name must be 1 to 64 lower-case letters, digits and hyphens, starting with a letter or digit (got "${input.name}")`)
  // /account/sign-in/link is the page that links an identity to an account proven by its password or a passkey.
  if (RESERVED_NAMES.has(input.name)) problem('name', `"${input.name}" is a page of the sign-in pages: choose another name`)

  let preset: IdentityProviderPreset | null = null
  if (input.preset !== undefined) {
    if ((PRESET_NAMES as string[]).includes(input.preset)) preset = input.preset as IdentityProviderPreset
    else problem('preset', `The preset must be one of ${PRESET_NAMES.join(', ')} (got "${input.preset}")`)
  }
  const defaults = preset === null ? undefined : PRESETS[preset]
  const kind: IdentityProviderKind = defaults?.kind ?? 'oidc'

  const issuer = (input.issuer ?? defaults?.issuer ?? '').trim().replace(/\/+$/, '')
  if (issuer === '') problem('issuer', 'The issuer URL is required without a preset')
  else {
    const urlProblem = upstreamUrlProblem(issuer)
    if (urlProblem) problem('issuer', `The issuer ${urlProblem}`)
  }
  let apiBaseUrl: string | null = null
  if (input.apiBaseUrl !== undefined) {
    apiBaseUrl = input.apiBaseUrl.trim().replace(/\/+$/, '')
    if (kind !== 'github') problem('api_base_url', 'An API base URL is for the github preset only')
    const urlProblem = upstreamUrlProblem(apiBaseUrl)
    if (urlProblem) problem('api_base_url', `The API base URL ${urlProblem}`)
  }

  const clientId = input.clientId.trim()
  if (clientId === '' || clientId.length > 255) problem('client_id', 'The client id must be 1 to 255 characters')
  if (input.clientSecret.trim() === '' || input.clientSecret.length > 2000) problem('client_secret', 'The client secret must be 1 to 2000 characters')

  let scopes = input.scopes !== undefined && input.scopes.length > 0 ? [...new Set(input.scopes.flatMap((scope) => scope.split(' ')).filter(Boolean))] : (defaults?.scopes ?? OIDC_DEFAULT_SCOPES)
  if (kind === 'oidc' && !scopes.includes('openid')) scopes = ['openid', ...scopes]
  const badScope = scopes.find((scope) => !SCOPE_TOKEN.test(scope))
  if (badScope !== undefined) problem('scopes', `"${badScope}" is not a scope (RFC 6749 section 3.3)`)
  if (scopes.join(' ').length > 500) problem('scopes', 'The scopes must be at most 500 characters together')

  if (input.trustEmail && defaults?.emailTrustable === false) {
    problem('trust_email', `The ${preset} preset's address is set by each tenant's administrators and never verified: it cannot be trusted for linking or verification`)
  }
  if (input.autoLink && !input.trustEmail) problem('auto_link', 'Linking by address needs the provider trusted for addresses (trust_email)')

  const buttonLabel = input.buttonLabel?.trim() || null
  if (buttonLabel !== null && buttonLabel.length > 100) problem('button_label', 'The button label must be at most 100 characters')

  return { problems, checked: { name: input.name, kind, preset, issuer, apiBaseUrl, clientId, scopes, buttonLabel: buttonLabel ?? defaults?.buttonLabel ?? null } }
}
