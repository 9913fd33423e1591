import * as oidc from 'openid-client'
import { createClient } from '../../src/usecases/oidc/create-client.js'
import { registerUser } from '../../src/usecases/users/register-user.js'
import { discover } from './oidc.js'
import { TEST_PASSWORD, uniqueEmail, type TestServer } from './server.js'

/**
 * A browser without JavaScript, over plain HTTP: a cookie jar (name, path, Max-Age/Expires deletion;
 * one host, so no domain matching), redirects followed by hand, and the hosted pages' forms posted
 * with their hidden fields (CSRF tokens). Faster than Chromium, and it proves the pages work without
 * script.
 */
export class FormBrowser {
  private readonly cookies = new Map<string, { name: string; value: string; path: string }>()

  /** A request with this jar's cookies; redirects are not followed. Stores what the answer sets. */
  async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Response> {
    const target = new URL(url)
    const headers: Record<string, string> = { ...init.headers }
    const cookie = [...this.cookies.values()]
      .filter((entry) => pathMatches(target.pathname, entry.path))
      .map((entry) => `${entry.name}=${entry.value}`)
      .join('; ')
    if (cookie) headers.cookie = cookie
    if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded'
    const response = await fetch(target, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      headers,
      body: init.form ? new URLSearchParams(init.form) : undefined,
      redirect: 'manual',
    })
    for (const line of response.headers.getSetCookie()) this.store(line, target)
    return response
  }

  /** Sets a cookie as a server would have (Path=/ by default). */
  setCookie(name: string, value: string, path = '/'): void {
    this.cookies.set(`${name};${path}`, { name, value, path })
  }

  /** GETs `url` and follows redirects (at most 10); answers the first answer that is not one, and where it came from. */
  async follow(url: string): Promise<{ response: Response; url: string }> {
    for (let hops = 0; hops < 10; hops++) {
      const response = await this.request(url)
      const location = response.headers.get('location')
      if (response.status < 300 || response.status >= 400 || !location) return { response, url }
      url = new URL(location, url).href
    }
    throw new Error(`too many redirects from ${url}`)
  }

  private store(line: string, from: URL): void {
    const [pair, ...attributes] = line.split(';').map((part) => part.trim())
    const equals = pair.indexOf('=')
    const name = pair.slice(0, equals)
    const value = pair.slice(equals + 1)
    let path = from.pathname.replace(/\/[^/]*$/, '') || '/'
    let expired = value === ''
    for (const attribute of attributes) {
      const [key, attributeValue = ''] = attribute.split('=')
      if (/^path$/i.test(key)) path = attributeValue
      if (/^max-age$/i.test(key) && Number(attributeValue) <= 0) expired = true
      if (/^expires$/i.test(key) && Date.parse(attributeValue) <= Date.now()) expired = true
    }
    const key = `${name};${path}`
    if (expired) this.cookies.delete(key)
    else this.cookies.set(key, { name, value, path })
  }
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  return requestPath === cookiePath || requestPath.startsWith(cookiePath.endsWith('/') ? cookiePath : `${cookiePath}/`)
}

/** The forms of a page: action and every named input's value (hidden fields, prefilled values). */
export function formsOf(html: string): Array<{ action: string; fields: Record<string, string> }> {
  return [...html.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)].map(([, action, body]) => {
    const fields: Record<string, string> = {}
    for (const [input] of body.matchAll(/<input[^>]*>/g)) {
      const name = /name="([^"]*)"/.exec(input)?.[1]
      if (name) fields[unescapeHtml(name)] = unescapeHtml(/value="([^"]*)"/.exec(input)?.[1] ?? '')
    }
    return { action: unescapeHtml(action), fields }
  })
}

function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|#x27|#x2F|#47);/g, (entity) => ({ '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&#x27;': "'", '&#x2F;': '/', '&#47;': '/' })[entity]!)
}

/**
 * Runs an authorization request through Heimdall's hosted pages as a person would without script:
 * follows the redirects, signs in with `email` and `password` on the sign-in page, follows the
 * "continue" page, allows on the consent page (`consent: 'deny'` denies; `onConsent` sees the page
 * first), and continues when the provider signs out an account signed in before another one
 * (prompt=login); `onSignInPage` sees each sign-in page it fills in. Answers the URL the provider sent
 * the browser back to (the client's redirect_uri with code or error), unfollowed, or that of the first
 * page `done` says ends the walk.
 */
export async function authorizeOverHttp(
  browser: FormBrowser,
  authorizationUrl: URL,
  account: { email: string; password?: string },
  options: { redirectUri: string; consent?: 'allow' | 'deny'; onConsent?: (html: string) => void; done?: (html: string) => boolean; onSignInPage?: (html: string, url: string) => void },
): Promise<URL> {
  let url = authorizationUrl.href
  let form: Record<string, string> | undefined
  for (let step = 0; step < 20; step++) {
    const response = await browser.request(url, form ? { form } : {})
    form = undefined
    const location = response.headers.get('location')
    if (response.status >= 300 && response.status < 400 && location) {
      url = new URL(location, url).href
      if (url.startsWith(options.redirectUri)) return new URL(url)
      continue
    }
    const html = await response.text()
    if (options.done?.(html)) return new URL(url)
    if (response.status !== 200) throw new Error(`${response.status} at ${url}: ${html.slice(0, 500)}`)
    if (/<script>/.test(html)) throw new Error(`a page that runs an inline script at ${url}: Heimdall's pages work without one`)
    const forms = formsOf(html)
    const login = forms.find((candidate) => 'password' in candidate.fields)
    const consent = forms.find((candidate) => candidate.action.endsWith(options.consent === 'deny' ? '/abort' : '/consent'))
    // The provider signs out the account signed in before when another one has just signed in.
    const signOutFirst = forms.find((candidate) => candidate.action.endsWith('/session/end/confirm') && candidate.fields.logout === 'yes')
    const refresh = /<meta http-equiv="refresh" content="0;url=([^"]*)">/.exec(html)?.[1]
    if (login) {
      options.onSignInPage?.(html, url)
      form = { ...login.fields, email: account.email, password: account.password ?? TEST_PASSWORD }
      url = new URL(login.action, url).href
    } else if (consent) {
      options.onConsent?.(html)
      form = consent.fields
      url = new URL(consent.action, url).href
    } else if (signOutFirst) {
      form = signOutFirst.fields
      url = new URL(signOutFirst.action, url).href
    } else if (refresh) {
      url = new URL(unescapeHtml(refresh), url).href
      if (url.startsWith(options.redirectUri)) return new URL(url)
    } else {
      throw new Error(`no way on from ${url}: ${html.slice(0, 500)}`)
    }
  }
  throw new Error(`more than 20 steps from ${authorizationUrl.href}`)
}

/** A relying party as the tests need one: a registered user, a client for it, openid-client's Configuration. */
export interface RelyingParty {
  config: oidc.Configuration
  clientId: string
  clientSecret: string | undefined
  email: string
  redirectUri: string
}

/** The userinfo endpoint's status for an access token (200, or 401 once the grant is dead). */
export async function userinfoStatus(rp: Pick<RelyingParty, 'config'>, accessToken: string): Promise<number> {
  const response = await fetch(rp.config.serverMetadata().userinfo_endpoint!, { headers: { authorization: `Bearer ${accessToken}` } })
  return response.status
}

/**
 * A (by default confidential, first-party) code-flow client with refresh tokens, and its user: a
 * newly registered one, or the existing `email`.
 */
export async function relyingParty(
  server: TestServer & { issuer: string },
  options: { email?: string; redirectUri?: string; postLogoutRedirectUris?: string[]; isPublic?: boolean; firstParty?: boolean } = {},
): Promise<RelyingParty> {
  const email = options.email ?? uniqueEmail('rp')
  if (!options.email) await registerUser(server.context, { email, password: TEST_PASSWORD })
  const redirectUri = options.redirectUri ?? 'https://rp.example.com/callback'
  const created = await createClient(server.context, {
    name: 'Relying party',
    redirectUris: [redirectUri],
    postLogoutRedirectUris: options.postLogoutRedirectUris ?? [],
    grants: ['authorization_code', 'refresh_token'],
    scopes: ['openid', 'email', 'roles', 'offline_access'],
    isPublic: options.isPublic ?? false,
    firstParty: options.firstParty ?? true,
  })
  const config = await discover(server.issuer, created.clientId, created.clientSecret)
  return { config, clientId: created.clientId, clientSecret: created.clientSecret, email, redirectUri }
}

/** An authorization request with PKCE (S256) and state; `offline_access` asks for a refresh token (with prompt=consent). */
export async function authorizationRequest(rp: Pick<RelyingParty, 'config' | 'redirectUri'>, scope = 'openid email offline_access') {
  const verifier = oidc.randomPKCECodeVerifier()
  const state = oidc.randomState()
  const url = oidc.buildAuthorizationUrl(rp.config, {
    redirect_uri: rp.redirectUri,
    scope,
    ...(scope.includes('offline_access') ? { prompt: 'consent' } : {}),
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  })
  return { url, verifier, state }
}

/**
 * A whole sign-in: authorization, the hosted sign-in (skipped when `browser` is signed in already),
 * consent when asked (allowed; `onConsent` sees the page), code exchange. Answers the tokens and the
 * jar (a fresh one unless `browser` is given).
 */
export async function signInOverHttp(rp: RelyingParty, options: { scope?: string; browser?: FormBrowser; onConsent?: (html: string) => void } = {}) {
  const browser = options.browser ?? new FormBrowser()
  const request = await authorizationRequest(rp, options.scope)
  const returned = await authorizeOverHttp(browser, request.url, { email: rp.email }, { redirectUri: rp.redirectUri, onConsent: options.onConsent })
  const tokens = await oidc.authorizationCodeGrant(rp.config, returned, { pkceCodeVerifier: request.verifier, expectedState: request.state })
  return { browser, request, returned, tokens, sub: tokens.claims()!.sub }
}

/** Signs `browser` out of the account page ("Sign out" on /account): ends its Heimdall session. Answers the status (303). */
export async function signOutOfAccount(browser: FormBrowser, serverUrl: string): Promise<number> {
  const page = await browser.request(`${serverUrl}/account`)
  const form = formsOf(await page.text()).find((candidate) => candidate.action === '/account/logout')
  if (!form) throw new Error(`no sign-out form on /account (${page.status})`)
  return (await browser.request(`${serverUrl}/account/logout`, { form: form.fields })).status
}

/**
 * A device's user code confirmed in `browser` as a person would (RFC 8628 section 3.3): the
 * verification_uri_complete link (its code filled in), the confirmation page, then the hosted sign-in
 * (skipped when signed in already) and consent when asked, until the success page.
 */
export async function approveDeviceOverHttp(browser: FormBrowser, verificationUriComplete: string, account: { email: string; password?: string }): Promise<void> {
  const entry = formsOf(await (await browser.request(verificationUriComplete)).text())[0]
  const confirmPage = await browser.request(new URL(entry.action, verificationUriComplete).href, { form: entry.fields })
  const confirm = formsOf(await confirmPage.text())[0]
  const confirmed = await browser.request(new URL(confirm.action, verificationUriComplete).href, { form: confirm.fields })
  const location = confirmed.headers.get('location')
  if (confirmed.status !== 303 || !location) throw new Error(`the confirmation answered ${confirmed.status}`)
  await authorizeOverHttp(browser, new URL(location, verificationUriComplete), account, { redirectUri: 'unused:', done: (html) => html.includes('Device connected') })
}
