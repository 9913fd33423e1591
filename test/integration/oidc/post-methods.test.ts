// Authorization (OpenID Connect Core 1.0 section 3.1.2.1) and logout (RP-Initiated Logout 1.0
// section 2) take POST as well as GET: a form post gets the same flow as the GET request, with the
// provider's cookies (a 303 to the GET request; src/http/oidc/post-as-get.ts says why). Any other method, and any path
// no endpoint serves, answers a JSON error like the provider's others.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import test from 'ava'
import * as oidc from 'openid-client'
import type { Browser } from 'playwright-core'
import { browserAvailable, launchBrowser } from '../../support/browser.js'
import { backends } from '../../support/db.js'
import { startOidcServer } from '../../support/oidc.js'
import { authorizationRequest, authorizeOverHttp, FormBrowser, formsOf, relyingParty, signInOverHttp } from '../../support/oidc-http-sign-in.js'
import { TEST_PASSWORD, type TestServer } from '../../support/server.js'

type OidcServer = TestServer & { issuer: string }
const servers = new Map<string, OidcServer>()
const SIGNED_OUT = 'https://rp.example.com/signed-out'

/**
 * A relying party on another site than Heimdall's (localhost against 127.0.0.1), as a browser tells
 * sites apart: its /form page posts its query's parameters as a form to the `to` address.
 */
let relyingPartySite: Server
let relyingPartyOrigin: string
let browser: Browser | undefined
const withBrowser = browserAvailable('form posts from another site')

test.before(async () => {
  relyingPartySite = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    if (url.pathname !== '/form') return res.end('relying party')
    const to = url.searchParams.get('to') ?? ''
    url.searchParams.delete('to')
    const escape = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
    const inputs = [...url.searchParams].map(([name, value]) => `<input type="hidden" name="${escape(name)}" value="${escape(value)}">`).join('')
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end(`<!doctype html><form method="post" action="${escape(to)}">${inputs}<button type="submit">Go</button></form>`)
  })
  await new Promise<void>((resolve) => relyingPartySite.listen(0, '127.0.0.1', resolve))
  relyingPartyOrigin = `http://localhost:${(relyingPartySite.address() as AddressInfo).port}`
  if (withBrowser) browser = await launchBrowser()
  for (const backend of backends()) servers.set(backend, await startOidcServer(backend))
})
test.after.always(async () => {
  await browser?.close()
  for (const server of servers.values()) await server.close()
  relyingPartySite?.close()
})

/** The parameters of a URL, as a form would post them. */
const formOf = (url: URL) => Object.fromEntries(url.searchParams)

for (const backend of backends()) {
  test(`an authorization request posted as a form signs in and returns a code that openid-client redeems [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server)
    const request = await authorizationRequest(rp)
    const browser = new FormBrowser()
    const posted = await browser.request(`${server.issuer}/auth`, { form: formOf(request.url) })
    t.is(posted.status, 303)
    const location = new URL(posted.headers.get('location')!)
    t.is(location.origin + location.pathname, `${server.issuer}/auth`)
    t.deepEqual(formOf(location), formOf(request.url), 'the same parameters, by GET')

    const returned = await authorizeOverHttp(browser, location, { email: rp.email }, { redirectUri: rp.redirectUri })
    const tokens = await oidc.authorizationCodeGrant(rp.config, returned, { pkceCodeVerifier: request.verifier, expectedState: request.state })
    t.truthy(tokens.access_token)
    t.like(tokens.claims(), { email: rp.email })

    // Signed in now: the next posted request goes straight back with a code (the provider's cookie came along).
    const again = await authorizationRequest(rp, 'openid email')
    const second = await browser.request(`${server.issuer}/AUTH/`, { form: formOf(again.url) })
    t.is(second.status, 303)
    const back = await authorizeOverHttp(browser, new URL(second.headers.get('location')!), { email: rp.email, password: 'not-asked' }, { redirectUri: rp.redirectUri })
    t.truthy(back.searchParams.get('code'))
  })

  test(`a logout request posted as a form asks the user, signs out and returns to the registered address [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server, { postLogoutRedirectUris: [SIGNED_OUT] })
    const { browser, tokens } = await signInOverHttp(rp)
    const posted = await browser.request(`${server.issuer}/session/end`, { form: { id_token_hint: tokens.id_token!, post_logout_redirect_uri: SIGNED_OUT, state: 'st' } })
    t.is(posted.status, 303)
    const page = await browser.request(posted.headers.get('location')!)
    t.is(page.status, 200)
    const html = await page.text()
    t.regex(html, /Yes, sign me out/)
    const [logoutForm] = formsOf(html)
    const signedOut = await browser.request(new URL(logoutForm.action, server.issuer).href, { form: { ...logoutForm.fields, logout: 'yes' } })
    t.is(signedOut.status, 303)
    t.is(signedOut.headers.get('location'), `${SIGNED_OUT}?state=st`)
    // The sign-in ended with it: a new authorization asks for the password again.
    const request = await authorizationRequest(rp, 'openid')
    const { response } = await browser.follow(request.url.href)
    t.regex(await response.text(), /name="password"/)
  })

  test(`a POST that is not a form, or too large a form, is refused with a JSON error [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const json = await fetch(`${server.issuer}/auth`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: 'x' }), redirect: 'manual' })
    t.is(json.status, 400)
    t.like(await json.json(), { error: 'invalid_request' })
    const huge = await fetch(`${server.issuer}/session/end`, { method: 'POST', body: new URLSearchParams({ state: 'x'.repeat(9000) }), redirect: 'manual' })
    t.is(huge.status, 413)
    t.like(await huge.json(), { error: 'invalid_request' })
  })

  test(`a method an endpoint does not take, or a path no endpoint serves, answers 404 with a JSON error [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    for (const [method, path] of [['GET', '/token'], ['PUT', '/auth'], ['DELETE', '/session/end'], ['POST', '/jwks'], ['GET', '/nowhere?code=secret'], ['GET', '']]) {
      const response = await fetch(`${server.issuer}${path}`, { method, redirect: 'manual' })
      t.is(response.status, 404, `${method} ${path}`)
      t.regex(response.headers.get('content-type') ?? '', /^application\/json/, `${method} ${path}`)
      const body = (await response.json()) as { error: string; error_description: string }
      t.is(body.error, 'not_found')
      t.true(body.error_description.startsWith(`No endpoint answers ${method} /oidc${path.split('?')[0]}`), body.error_description)
      t.false(body.error_description.includes('secret'))
    }
  })
}

if (withBrowser) {
  for (const backend of backends()) {
    test(`in a browser, a logout form posted from the relying party's site finds the signed-in user (cookies are SameSite=Lax) and ends the sign-in [${backend}]`, async (t) => {
      const server = servers.get(backend)!
      const rp = await relyingParty(server, { redirectUri: `${relyingPartyOrigin}/callback`, postLogoutRedirectUris: [`${relyingPartyOrigin}/signed-out`] })
      const context = await browser!.newContext()
      const page = await context.newPage()
      try {
        const request = await authorizationRequest(rp, 'openid email')
        await page.goto(request.url.href)
        await page.getByLabel('Email').fill(rp.email)
        await page.getByLabel('Password').fill(TEST_PASSWORD)
        await page.getByRole('button', { name: 'Sign in', exact: true }).click()
        await page.waitForURL((url) => url.href.startsWith(rp.redirectUri))
        const tokens = await oidc.authorizationCodeGrant(rp.config, new URL(page.url()), { pkceCodeVerifier: request.verifier, expectedState: request.state })

        const form = new URLSearchParams({ to: `${server.issuer}/session/end`, id_token_hint: tokens.id_token!, post_logout_redirect_uri: `${relyingPartyOrigin}/signed-out`, state: 'st' })
        await page.goto(`${relyingPartyOrigin}/form?${form}`)
        await page.getByRole('button', { name: 'Go' }).click()
        await page.waitForSelector('text=asks to sign you out')
        await page.getByRole('button', { name: 'Yes, sign me out' }).click()
        await page.waitForURL((url) => url.href.startsWith(`${relyingPartyOrigin}/signed-out`))
        t.is(new URL(page.url()).searchParams.get('state'), 'st')

        // Signed out of Heimdall too: the next authorization, posted from the relying party's site, asks for the password.
        const next = await authorizationRequest(rp, 'openid')
        await page.goto(`${relyingPartyOrigin}/form?${new URLSearchParams({ to: `${server.issuer}/auth`, ...Object.fromEntries(next.url.searchParams) })}`)
        await page.getByRole('button', { name: 'Go' }).click()
        await page.waitForSelector('input[name=password]')
        t.pass()
      } finally {
        await context.close()
      }
    })
  }
}
