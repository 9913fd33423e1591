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

/**
 * The rules a client's registration must follow; answers the problems (empty when valid) and the
 * grants in their full names. Redirect URIs are compared exactly by the provider, so they must be
 * absolute, without fragment, https (or http on a loopback host, RFC 8252 section 7.3) or a private
 * scheme with a dot (RFC 8252 section 7.1). A public client (no secret) cannot use client credentials.
 */
export function checkClientRegistration(input: ClientRegistration, knownScopes: ReadonlySet<string>): { problems: FieldError[]; grants: ClientGrant[] } {
  const problems: FieldError[] = []
  const problem = (loc: string, msg: string) => problems.push({ loc: [loc], msg, type: 'value_error' })
  if (input.name.trim() === '' || input.name.length > 200) problem('name', 'The name must be 1 to 200 characters')
  const grants: ClientGrant[] = []
  for (const raw of input.grants) {
    const grant = GRANT_ALIASES[raw] ?? raw
    if (!(CLIENT_GRANTS as readonly string[]).includes(grant)) problem('grant', `Unknown grant "${raw}": use authorization_code, refresh_token, client_credentials or device_code`)
    else if (!grants.includes(grant as ClientGrant)) grants.push(grant as ClientGrant)
  }
  if (grants.length === 0) problem('grant', 'Give at least one grant')
  if (grants.includes('refresh_token') && !grants.includes('authorization_code') && !grants.includes('urn:ietf:params:oauth:grant-type:device_code')) {
    problem('grant', 'refresh_token comes with authorization_code or device_code')
  }
  if (input.isPublic && grants.includes('client_credentials')) problem('grant', 'A public client has no secret, so it cannot use client_credentials')
  if (grants.includes('authorization_code') && input.redirectUris.length === 0) problem('redirect-uri', 'authorization_code needs at least one --redirect-uri')
  for (const uri of input.redirectUris) checkRedirectUri(uri, 'redirect-uri', problem)
  for (const uri of input.postLogoutRedirectUris) checkRedirectUri(uri, 'post-logout-redirect-uri', problem)
  for (const scope of input.scopes) if (!knownScopes.has(scope)) problem('scope', `Unknown scope "${scope}": use openid, email, roles, offline_access or a permission name`)
  return { problems, grants }
}

function checkRedirectUri(raw: string, loc: string, problem: (loc: string, msg: string) => void): void {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return problem(loc, `"${raw}" is not an absolute URI`)
  }
  if (url.hash !== '' || raw.includes('#')) return problem(loc, `"${raw}" must not have a fragment`)
  if (url.protocol === 'https:') return
  if (url.protocol === 'http:') {
    if (['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) return
    return problem(loc, `"${raw}" must use https (http only on localhost or 127.0.0.1)`)
  }
  if (!url.protocol.slice(0, -1).includes('.')) problem(loc, `"${raw}": a private scheme must be a reversed domain name such as com.example.app:/callback`)
}
