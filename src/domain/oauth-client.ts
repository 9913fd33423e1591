import type { FieldError } from '../errors.js'

/** The grant types a client may be given (RFC 6749, RFC 8628). */
export const CLIENT_GRANTS = ['authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code'] as const
export type ClientGrant = (typeof CLIENT_GRANTS)[number]
/** Short names accepted on the command line. */
const GRANT_ALIASES: Record<string, ClientGrant> = { device_code: 'urn:ietf:params:oauth:grant-type:device_code' }

export interface ClientRegistration {
  name: string
  redirectUris: string[]
  postLogoutRedirectUris: string[]
  grants: string[]
  isPublic: boolean
  scopes: string[]
}

/** The scopes a client may be registered with, told apart: the OpenID Connect ones and the permission names. */
export interface ClientScopes {
  /** openid, offline_access, email, profile, roles: about the user signing in and the ID and refresh tokens. */
  oidc: ReadonlySet<string>
  /** Heimdall permission names (user:read ...): what a client credentials token may carry. */
  permissions: ReadonlySet<string>
}

/** Longest client name, in characters (Unicode code points, as MySQL's utf8mb4 VARCHAR(200) counts them). */
export const MAX_CLIENT_NAME_LENGTH = 200

const DEVICE_CODE: ClientGrant = 'urn:ietf:params:oauth:grant-type:device_code'

/**
 * The scopes a client registered without any gets, from its grants: a sign-in (authorization_code,
 * device_code) the OpenID Connect ones relying parties ask for (openid email profile), refresh_token
 * offline_access, without which it issues nothing. client_credentials none: its permission scopes
 * are what the operator chooses to give.
 */
export function usualScopesOf(grants: readonly ClientGrant[]): string[] {
  const scopes: string[] = []
  if (grants.includes('authorization_code') || grants.includes(DEVICE_CODE)) scopes.push('openid', 'email', 'profile')
  if (grants.includes('refresh_token')) scopes.push('offline_access')
  return scopes
}

/**
 * The rules a client's registration must follow; answers the problems (empty when valid), one per
 * problem, and the grants in their full names and the scopes, each once. Redirect URIs are compared
 * exactly by the provider, so they must be absolute, without fragment or user credentials (RFC 6749
 * section 3.1.2, RFC 3986 section 3.2.1), https (or http on a loopback host, RFC 8252 section 7.3) or
 * a private scheme with a dot (RFC 8252 section 7.1). A public client (no secret) cannot use client
 * credentials. A client must be usable as registered: the provider signs a user in only for `openid`,
 * issues refresh tokens only with the refresh_token grant and `offline_access` together, and a client
 * credentials token carries only permission scopes; an empty list would be no allow-list at all.
 * Rules about the set of grants are checked only once every grant is known, rules about the set of
 * scopes once every scope is, so that a typo is one problem, not that plus what it left missing.
 * Without any scope, the grants' usual ones (usualScopesOf).
 */
export function checkClientRegistration(
  input: ClientRegistration,
  known: ClientScopes,
): { problems: FieldError[]; grants: ClientGrant[]; scopes: string[] } {
  const problems: FieldError[] = []
  const problem = (loc: string, msg: string) => {
    if (!problems.some((seen) => seen.loc[0] === loc && seen.msg === msg)) problems.push({ loc: [loc], msg, type: 'value_error' })
  }
  const nameLength = [...input.name.trim()].length
  if (nameLength === 0 || nameLength > MAX_CLIENT_NAME_LENGTH) {
    problem('name', `The name must be 1 to ${MAX_CLIENT_NAME_LENGTH} characters (Unicode code points); this one has ${nameLength}`)
  }
  const grants: ClientGrant[] = []
  let grantsKnown = true
  for (const raw of input.grants) {
    const grant = GRANT_ALIASES[raw] ?? raw
    if ((CLIENT_GRANTS as readonly string[]).includes(grant)) {
      if (!grants.includes(grant as ClientGrant)) grants.push(grant as ClientGrant)
    } else {
      grantsKnown = false
      problem('grant', `Unknown grant "${raw}": use authorization_code, refresh_token, client_credentials or device_code`)
    }
  }
  const scopes: string[] = []
  let scopesKnown = true
  for (const scope of input.scopes) {
    if (!known.oidc.has(scope) && !known.permissions.has(scope)) {
      scopesKnown = false
      problem('scope', `Unknown scope "${scope}": use openid, email, profile, roles, offline_access or a permission name`)
    } else if (!scopes.includes(scope)) scopes.push(scope)
  }
  for (const uri of input.redirectUris) checkRedirectUri(uri, 'redirect-uri', problem)
  for (const uri of input.postLogoutRedirectUris) checkRedirectUri(uri, 'post-logout-redirect-uri', problem)

  if (input.grants.length === 0) problem('grant', 'Give at least one grant')
  if (!grantsKnown || grants.length === 0) return { problems, grants, scopes }
  const signsUserIn = grants.includes('authorization_code') || grants.includes(DEVICE_CODE)
  if (grants.includes('refresh_token') && !signsUserIn) problem('grant', 'refresh_token comes with authorization_code or device_code')
  if (input.isPublic && grants.includes('client_credentials')) problem('grant', 'A public client has no secret, so it cannot use client_credentials')
  if (grants.includes('authorization_code') && input.redirectUris.length === 0) problem('redirect-uri', 'authorization_code needs at least one --redirect-uri')

  if (!scopesKnown) return { problems, grants, scopes }
  if (input.scopes.length === 0) scopes.push(...usualScopesOf(grants))
  if (signsUserIn && !scopes.includes('openid')) problem('scope', 'authorization_code and device_code sign a user in, which needs --scope openid')
  if (grants.includes('client_credentials') && !scopes.some((scope) => known.permissions.has(scope))) {
    problem('scope', 'client_credentials gets a token for the client\'s permission scopes: give at least one, such as --scope user:read')
  }
  if (grants.includes('refresh_token') && !scopes.includes('offline_access')) problem('scope', 'refresh_token is issued only for --scope offline_access: add it')
  if (scopes.includes('offline_access') && !grants.includes('refresh_token')) problem('scope', 'offline_access asks for a refresh token: add --grant refresh_token')
  return { problems, grants, scopes }
}

/**
 * The scopes a client may ask for, given those it was registered with: `profile` comes with `email`,
 * since its claims (name and preferred_username are the email address, updated_at a time) show
 * nothing `email` does not. Relying parties ask for `profile` by default, and clients registered
 * before Heimdall served it must not start failing with invalid_scope.
 */
export function allowedScopesOf(registered: readonly string[]): string[] {
  return registered.includes('email') && !registered.includes('profile') ? [...registered, 'profile'] : [...registered]
}

function checkRedirectUri(raw: string, loc: string, problem: (loc: string, msg: string) => void): void {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return problem(loc, `"${raw}" is not an absolute URI`)
  }
  if (url.hash !== '' || raw.includes('#')) return problem(loc, `"${raw}" must not have a fragment`)
  if (url.username !== '' || url.password !== '' || /^[^:/?#]+:\/\/[^/?#]*@/.test(raw)) {
    // Said without the credentials: an error message is no place for a password.
    url.username = ''
    url.password = ''
    return problem(loc, `"${url.href}" was given with user credentials before the host (user:password@): remove them, RFC 3986 section 3.2.1 deprecates them`)
  }
  if (url.protocol === 'https:') return
  if (url.protocol === 'http:') {
    if (['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return
    return problem(loc, `"${raw}" must use https (http only on localhost or 127.0.0.1)`)
  }
  if (!url.protocol.slice(0, -1).includes('.')) problem(loc, `"${raw}": a private scheme must be a reversed domain name such as com.example.app:/callback`)
}
