// The pages oidc-provider answers itself (device flow code entry, confirmation and success, RP-initiated
// logout and post-logout, the error page) are Heimdall pages: the shared layout, the pages' CSP and
// headers, escaped text, forms that work without JavaScript. Driven in headless Chromium with
// JavaScript off (except where a script would have to be caught running), one browser for the file.
import test, { type ExecutionContext } from 'ava'
import * as oidc from 'openid-client'
import type { Browser, BrowserContext, Page, Response } from 'playwright-core'
import { registerUser } from '../../../src/usecases/users/register-user.js'
import { createClient } from '../../../src/usecases/oidc/create-client.js'
import { browserAvailable, launchBrowser } from '../../support/browser.js'
import { backends } from '../../support/db.js'
import { deviceFlowClient, discover, oauthError, type RelyingPartyCallback, startOidcServer, startRelyingPartyCallback } from '../../support/oidc.js'
import { TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'

type OidcServer = TestServer & { issuer: string }
const servers = new Map<string, OidcServer>()
let browser: Browser
let callback: RelyingPartyCallback | undefined
let redirectUri: string
let postLogoutUri: string
/** A client name and a state that would run script if any page put them into its HTML unescaped. */
const HOSTILE = `"><script>window.pwned=1</script><img src=x onerror="window.pwned=1">`

if (browserAvailable("the provider's pages")) {
  test.before(async () => {
    callback = await startRelyingPartyCallback()
    redirectUri = callback.redirectUri
    postLogoutUri = callback.postLogoutUri
    browser = await launchBrowser()
    for (const backend of backends()) servers.set(backend, await startOidcServer(backend))
  })
  test.after.always(async () => {
    await browser?.close()
    for (const server of servers.values()) await server.close()
    callback?.close()
  })
  for (const backend of backends()) registerTests(backend)
}

/** A browser context without JavaScript: every page must work with forms alone. */
async function openPage(javaScriptEnabled = false): Promise<{ context: BrowserContext; page: Page; origins: Set<string> }> {
  const context = await browser.newContext({ javaScriptEnabled })
  const page = await context.newPage()
  const origins = new Set<string>()
  page.on('request', (request) => origins.add(new URL(request.url()).origin))
  return { context, page, origins }
}

/** The headers of a Heimdall page: the strict CSP (no script at all), no Referer, no caching, no framing. */
function assertPageHeaders(t: ExecutionContext, response: Response | null, formTarget?: string): void {
  const headers = response?.headers() ?? {}
  const formAction = formTarget ? `form-action 'self' ${new URL(formTarget).origin};` : "form-action 'self';"
  t.is(headers['content-security-policy'], `default-src 'none'; style-src 'self'; img-src 'self'; ${formAction} frame-ancestors 'none'; base-uri 'none'`)
  t.is(headers['referrer-policy'], 'no-referrer')
  t.is(headers['cache-control'], 'no-store')
  t.is(headers['x-frame-options'], 'DENY')
  t.regex(headers['content-type'] ?? '', /^text\/html; charset=utf-8/)
}

async function signIn(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
}

function registerTests(backend: string): void {
  test(`device flow pages: a wrong code is refused next to the field, the right one is confirmed, signed in, done [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const { email, config } = await deviceFlowClient(server, { name: `TV ${HOSTILE}`, firstParty: true, grants: ['device_code'], scopes: ['openid', 'email'], emailLabel: 'device-pages' })
    const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid email' })
    const polled = oidc.pollDeviceAuthorizationGrant(config, started)

    const { context, page, origins } = await openPage()
    try {
      const entry = await page.goto(started.verification_uri)
      assertPageHeaders(t, entry)
      t.is(await page.title(), 'Connect a device · Heimdall')
      await page.getByLabel('Code shown on your device').fill('BCDF-GHJK')
      await page.getByRole('button', { name: 'Continue' }).click()
      t.is(await page.getByLabel('Code shown on your device').getAttribute('aria-invalid'), 'true')
      t.is(await page.locator('#field-user_code-error').innerText(), 'That code is not right: check the code on your device and type it again.')
      t.is(await page.getByLabel('Code shown on your device').inputValue(), 'BCDF-GHJK', 'what was typed stays, to be corrected')

      await page.getByLabel('Code shown on your device').fill(started.user_code)
      const confirm = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Continue' }).click()]).then(([response]) => response)
      t.is(await page.title(), 'Connect a device? · Heimdall')
      t.is(await page.locator('.user-code').innerText(), started.user_code)
      t.true((await page.locator('main').innerText()).includes(`TV ${HOSTILE}`), 'the client name is shown as text')
      t.is(await page.locator('main script, main img').count(), 0, 'and never as markup')
      assertPageHeaders(t, confirm)

      await page.getByRole('button', { name: 'Continue' }).click()
      await signIn(page, email)
      await page.waitForSelector('text=Device connected')
      t.regex(await page.getByRole('status').innerText(), /is signed in\. You can close this page/)
      const tokens = await polled
      t.like(await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub), { email })
      t.deepEqual([...origins], [server.url], 'nothing loaded from anywhere else')
    } finally {
      await context.close()
    }
  })

  test(`device flow pages: the complete link arrives with the code filled in; cancelling tells the device access_denied [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const { clientId } = await createClient(server.context, { name: 'heimdall-cli', redirectUris: [], postLogoutRedirectUris: [], grants: ['device_code'], scopes: ['openid'], isPublic: true, firstParty: true })
    const config = await discover(server.issuer, clientId)
    const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid' })
    const polled = oidc.pollDeviceAuthorizationGrant(config, started)
    const { context, page } = await openPage()
    try {
      // The provider answers this link with a page that submits itself by script: here it is a form.
      const response = await page.goto(started.verification_uri_complete!)
      assertPageHeaders(t, response)
      t.is(await page.getByLabel('Code shown on your device').inputValue(), started.user_code)
      await page.getByRole('button', { name: 'Continue' }).click()
      await page.getByRole('button', { name: 'Cancel' }).click()
      t.regex(await page.getByRole('status').innerText(), /The sign-in was cancelled/)
      t.is(await oauthError(polled), 'access_denied')
    } finally {
      await context.close()
    }
  })

  test(`RP-initiated logout pages: a button, no script; yes signs out and returns to the client; without a sign-in, a Continue button [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const email = uniqueEmail('logout-pages')
    await registerUser(server.context, { email, password: TEST_PASSWORD })
    const created = await createClient(server.context, {
      name: 'Wiki',
      redirectUris: [redirectUri],
      postLogoutRedirectUris: [postLogoutUri],
      grants: ['authorization_code'],
      scopes: ['openid'],
      isPublic: false,
      firstParty: true,
    })
    const config = await discover(server.issuer, created.clientId, created.clientSecret)
    const { context, page } = await openPage()
    try {
      const verifier = oidc.randomPKCECodeVerifier()
      await page.goto(oidc.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }).href)
      await signIn(page, email)
      await page.waitForURL((url) => url.href.startsWith(redirectUri))
      const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: verifier })

      const logout = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: postLogoutUri, state: HOSTILE })
      const confirm = await page.goto(logout.href)
      assertPageHeaders(t, confirm, postLogoutUri)
      t.is(await page.title(), 'Sign out · Heimdall')
      t.regex(await page.locator('main').innerText(), /Wiki asks to sign you out/)
      t.is(await page.locator('script').count(), 0)
      t.is(await page.locator('form input[type=hidden][name=xsrf]').count(), 1, "the provider's own CSRF field")
      await page.getByRole('button', { name: 'Yes, sign me out' }).click()
      await page.waitForURL((url) => url.href.startsWith(postLogoutUri))
      t.is(new URL(page.url()).searchParams.get('state'), HOSTILE, 'the state travels back as it came')

      // Signed out now: the provider has nobody to ask about, and its self-submitting page is a button.
      const again = await page.goto(logout.href)
      assertPageHeaders(t, again, postLogoutUri)
      t.regex(await page.locator('main').innerText(), /You are not signed in here/)
      await page.getByRole('button', { name: 'Continue' }).click()
      await page.waitForURL((url) => url.href.startsWith(postLogoutUri))

      // Signing out there signed out of Heimdall: the account page's session ended with it.
      const user = await server.context.users.findUserByEmail(email)
      const sessions = await server.context.sessions.findSessionsByUserId(user!.id)
      t.true(sessions.length > 0 && sessions.every((session) => session.revoked_at !== null), 'no Heimdall session outlives the logout')

      // Without a post_logout_redirect_uri the provider ends on its own page.
      await page.goto(oidc.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }).href)
      await signIn(page, email)
      await page.waitForURL((url) => url.href.startsWith(redirectUri))
      await page.goto(`${server.issuer}/session/end?client_id=${created.clientId}`)
      await page.getByRole('button', { name: 'No, stay signed in' }).click()
      t.is(await page.getByRole('status').innerText(), 'You are signed out of Wiki; you are still signed in to Heimdall.')
      t.true((await server.context.sessions.findSessionsByUserId(user!.id)).some((session) => session.revoked_at === null), 'the Heimdall session stays')
      await page.goto(`${server.issuer}/session/end?client_id=${created.clientId}`)
      await page.getByRole('button', { name: 'Yes, sign me out' }).click()
      await page.waitForSelector('text=Signed out')
      t.is(await page.getByRole('status').innerText(), 'You are signed out of Heimdall on this browser.')
      t.is(await page.title(), 'Signed out · Heimdall')
    } finally {
      await context.close()
    }
  })

  test(`the provider's error page: the OAuth error and its description, hostile parameters escaped, under the pages' CSP [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    // JavaScript on: a script smuggled into the page would run and be seen.
    const { context, page } = await openPage(true)
    const dialogs: string[] = []
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message())
      void dialog.dismiss()
    })
    try {
      const url = new URL(`${server.issuer}/auth`)
      for (const [name, value] of Object.entries({ client_id: HOSTILE, response_type: 'code', scope: `openid ${HOSTILE}`, redirect_uri: `${HOSTILE}`, state: HOSTILE })) url.searchParams.set(name, value)
      const response = await page.goto(url.href)
      t.is(response?.status(), 400)
      assertPageHeaders(t, response)
      t.is(await page.title(), 'That did not work · Heimdall')
      t.is(await page.locator('.oauth-error').innerText(), 'invalid_client')
      t.is(await page.getByRole('alert').innerText(), 'client is invalid')
      const html = await page.content()
      t.false(html.includes('<script>window.pwned'), 'nothing of the request is markup')
      t.notRegex(html, /\bat \S+ \(|node_modules|\.js:\d+/, "no stack")
      t.is(await page.evaluate(() => (globalThis as { pwned?: number }).pwned), undefined)
      t.deepEqual(dialogs, [])

      // Same for an error found after the client: an unsupported response type, with a hostile state.
      const { clientId } = await createClient(server.context, { name: 'SPA', redirectUris: [redirectUri], postLogoutRedirectUris: [], grants: ['authorization_code'], scopes: ['openid'], isPublic: true, firstParty: true })
      const bad = new URL(`${server.issuer}/auth`)
      for (const [name, value] of Object.entries({ client_id: clientId, response_type: 'code', scope: 'openid', redirect_uri: `${redirectUri}/${encodeURIComponent(HOSTILE)}`, state: HOSTILE })) bad.searchParams.set(name, value)
      const refused = await page.goto(bad.href)
      t.is(refused?.status(), 400)
      assertPageHeaders(t, refused)
      t.is(await page.locator('.oauth-error').innerText(), 'invalid_redirect_uri')
      t.regex(await page.getByRole('alert').innerText(), /redirect_uri did not match/)
      t.is(await page.evaluate(() => (globalThis as { pwned?: number }).pwned), undefined)

    } finally {
      await context.close()
    }
  })
}
