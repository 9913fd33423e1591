// response_mode=form_post (OAuth 2.0 Form Post Response Mode): the answer that the provider would
// post with an inline script is a Heimdall page instead, in the shared layout under the pages' CSP
// (no script; form-action allows the client's origin), with a form of the same fields and a Continue
// button that works without JavaScript. The code it carries redeems; a denied consent carries the
// error. A sign-in resumed as another account than the browser's gets the same kind of page.
import test, { type ExecutionContext } from 'ava'
import * as oidc from 'openid-client'
import { ACCOUNT_COOKIE } from '../../../src/http/pages/account/cookie.js'
import { openAccountSession } from '../../../src/usecases/sessions/account-session.js'
import { login } from '../../../src/usecases/sessions/login.js'
import { backends } from '../../support/db.js'
import { oidcServersForFile } from '../../support/oidc.js'
import { authorizationRequest, authorizeOverHttp, FormBrowser, formsOf, relyingParty, signInOverHttp, type RelyingParty } from '../../support/oidc-http-sign-in.js'
import { TEST_PASSWORD } from '../../support/server.js'

const servers = oidcServersForFile()

/** The page a form_post answer ends on: its status, headers and form, read without following it. */
async function formPostPage(rp: RelyingParty, browser: FormBrowser, request: { url: URL }, options: { consent?: 'allow' | 'deny' } = {}) {
  request.url.searchParams.set('response_mode', 'form_post')
  let page: { status: number; headers: Headers; html: string } | undefined
  const original = browser.request.bind(browser)
  // Keep the last answer, to read the page the walk stops on.
  browser.request = async (url, init) => {
    const response = await original(url, init)
    const html = await response.clone().text()
    page = { status: response.status, headers: response.headers, html }
    return response
  }
  try {
    await authorizeOverHttp(browser, request.url, { email: rp.email }, { redirectUri: rp.redirectUri, consent: options.consent, done: (html) => formsOf(html).some((form) => form.action === rp.redirectUri) })
  } finally {
    browser.request = original
  }
  const form = formsOf(page!.html).find((candidate) => candidate.action === rp.redirectUri)!
  return { ...page!, form }
}

/** A Heimdall page: the layout, the pages' CSP with the client's origin as a form target, no script, no caching. */
function assertHeimdallPage(t: ExecutionContext, page: { headers: Headers; html: string }, formTarget: string): void {
  t.is(
    page.headers.get('content-security-policy'),
    `default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self' ${new URL(formTarget).origin}; frame-ancestors 'none'; base-uri 'none'`,
  )
  t.is(page.headers.get('cache-control'), 'no-store')
  t.is(page.headers.get('referrer-policy'), 'no-referrer')
  t.notRegex(page.html, /<script|Submitting Callback|onload|onerror/i)
  t.regex(page.html, /<title>Continue to Relying party · Heimdall<\/title>/)
  t.regex(page.html, /<button type="submit">Continue<\/button>/)
}

for (const backend of backends()) {
  test(`response_mode=form_post: a Heimdall page whose form posts code, state and iss to the redirect_uri with a Continue button; the code redeems [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server)
    const request = await authorizationRequest(rp)
    const page = await formPostPage(rp, new FormBrowser(), request)
    t.is(page.status, 200)
    assertHeimdallPage(t, page, rp.redirectUri)
    t.deepEqual(Object.keys(page.form.fields).sort(), ['code', 'iss', 'state'])
    t.is(page.form.fields.state, request.state)
    t.is(page.form.fields.iss, server.issuer)

    // What the browser posts when the person presses Continue, as the relying party receives it.
    const callback = new Request(rp.redirectUri, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(page.form.fields) })
    const tokens = await oidc.authorizationCodeGrant(rp.config, callback, { pkceCodeVerifier: request.verifier, expectedState: request.state })
    t.like(await oidc.fetchUserInfo(rp.config, tokens.access_token, tokens.claims()!.sub), { email: rp.email })
  })

  test(`response_mode=form_post with the consent denied: the page posts error=access_denied and state, status 400 [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server, { firstParty: false })
    const request = await authorizationRequest(rp, 'openid email')
    const page = await formPostPage(rp, new FormBrowser(), request, { consent: 'deny' })
    t.is(page.status, 400)
    assertHeimdallPage(t, page, rp.redirectUri)
    t.like(page.form.fields, { error: 'access_denied', state: request.state, iss: server.issuer })
  })

  test(`a sign-in resumed as another account than the one signed in here: a Heimdall page (no script) to sign the other out, then the code is the new account's [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server)
    const { browser } = await signInOverHttp(rp)
    // Another person signs in on the account page in this browser; the provider still knows the first.
    const other = await relyingParty(server)
    const loggedIn = await login(server.context, { email: other.email, password: TEST_PASSWORD })
    if (loggedIn.kind !== 'tokens') return t.fail()
    browser.setCookie(ACCOUNT_COOKIE, await openAccountSession(server.context, loggedIn.tokens))

    const request = await authorizationRequest(rp, 'openid email')
    request.url.searchParams.set('prompt', 'login')
    let switchPage = ''
    const returned = await authorizeOverHttp(browser, request.url, { email: other.email }, {
      redirectUri: rp.redirectUri,
      done: (html) => {
        if (!html.includes('Another account is signed in')) return false
        switchPage = html
        return true
      },
    })
    t.regex(switchPage, /<title>Continue · Heimdall<\/title>/)
    t.notRegex(switchPage, /<script/i)
    const form = formsOf(switchPage)[0]
    t.regex(form.action, /\/oidc\/session\/end\/confirm$/)
    t.like(form.fields, { logout: 'yes' })

    const signedOut = await browser.request(new URL(form.action, returned).href, { form: form.fields })
    t.is(signedOut.status, 303)
    const code = await authorizeOverHttp(browser, new URL(signedOut.headers.get('location')!, returned), { email: other.email }, { redirectUri: rp.redirectUri })
    const tokens = await oidc.authorizationCodeGrant(rp.config, code, { pkceCodeVerifier: request.verifier, expectedState: request.state })
    t.is(tokens.claims()!.email, other.email)
  })
}
