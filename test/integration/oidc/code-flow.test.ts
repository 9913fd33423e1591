import test from 'ava'
import * as oidc from 'openid-client'
import type { Browser, Page } from 'playwright-core'
import { registerUser } from '../../../src/usecases/users/register-user.js'
import { revokeSession } from '../../../src/usecases/sessions/revoke-session.js'
import { setUserDisabled } from '../../../src/usecases/users/set-user-disabled.js'
import { createClient } from '../../../src/usecases/oidc/create-client.js'
import { revokeConsent } from '../../../src/usecases/oidc/revoke-consent.js'
import { browserAvailable, launchBrowser } from '../../support/browser.js'
import { backends } from '../../support/db.js'
import { verifyWithJwks } from '../../support/jwks.js'
import { enrolTotp, totpCode } from '../../support/mfa.js'
import { markEmailVerified } from '../../../src/usecases/recovery/mark-email-verified.js'
import { deviceFlowClient, discover, oauthError, type RelyingPartyCallback, startOidcServer, startRelyingPartyCallback } from '../../support/oidc.js'
import { authorizationRequest } from '../../support/oidc-http-sign-in.js'
import { TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'

type OidcServer = TestServer & { issuer: string }
const servers = new Map<string, OidcServer>()
let browser: Browser
let callback: RelyingPartyCallback | undefined
let redirectUri: string
let postLogoutUri: string

if (browserAvailable('OpenID Connect code flow')) {
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

interface Rp {
  config: oidc.Configuration
  clientId: string
  secret: string | undefined
  email: string
}

async function relyingParty(server: OidcServer, options: { firstParty: boolean; isPublic?: boolean }): Promise<Rp> {
  const email = uniqueEmail('oidc')
  await registerUser(server.context, { email, password: TEST_PASSWORD })
  const created = await createClient(server.context, {
    name: options.firstParty ? 'Grafana' : 'Third-party wiki',
    redirectUris: [redirectUri],
    postLogoutRedirectUris: [postLogoutUri],
    grants: ['authorization_code', 'refresh_token'],
    scopes: ['openid', 'email', 'roles', 'offline_access'],
    isPublic: options.isPublic ?? false,
    firstParty: options.firstParty,
  })
  const config = await discover(server.issuer, created.clientId, created.clientSecret)
  return { config, clientId: created.clientId, secret: created.clientSecret, email }
}

function authorizationUrl(rp: Rp, scope = 'openid email roles offline_access') {
  return authorizationRequest({ config: rp.config, redirectUri }, scope)
}

async function signIn(page: Page, url: URL, email: string): Promise<void> {
  await page.goto(url.href)
  await page.fill('input[name=email]', email)
  await page.fill('input[name=password]', TEST_PASSWORD)
  await page.click('button[type=submit]')
}

async function landedOn(page: Page, prefix: string): Promise<URL> {
  await page.waitForURL((url) => url.href.startsWith(prefix))
  return new URL(page.url())
}


function registerTests(backend: string): void {
  test(`code + PKCE through the hosted sign-in: ID token verified against the JWKS, userinfo, refresh with rotation, RP-initiated logout [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server, { firstParty: true })
    const context = await browser.newContext()
    const page = await context.newPage()
    const { url, verifier, state } = await authorizationUrl(rp)
    await signIn(page, url, rp.email)
    // First-party: no consent page, straight back to the relying party with a code.
    const returned = await landedOn(page, redirectUri)
    const tokens = await oidc.authorizationCodeGrant(rp.config, returned, { pkceCodeVerifier: verifier, expectedState: state })

    const jwks = (await (await fetch(rp.config.serverMetadata().jwks_uri!)).json()) as { keys: Array<Record<string, string>> }
    const idClaims = verifyWithJwks(tokens.id_token!, jwks)
    t.truthy(idClaims, 'the ID token verifies with the published key set')
    t.like(idClaims, { iss: server.issuer, aud: rp.clientId, email: rp.email, email_verified: false, amr: ['pwd'] })
    t.deepEqual(idClaims!.roles, ['user'])
    t.true((idClaims!.permissions as string[]).includes('user:read'))
    const sub = tokens.claims()!.sub

    const userinfo = await oidc.fetchUserInfo(rp.config, tokens.access_token, sub)
    t.like(userinfo, { sub, email: rp.email })
    t.deepEqual(userinfo.roles, ['user'])

    t.truthy(tokens.refresh_token)
    const refreshed = await oidc.refreshTokenGrant(rp.config, tokens.refresh_token!)
    t.not(refreshed.refresh_token, tokens.refresh_token, 'the refresh token is rotated')
    t.truthy(refreshed.access_token)
    // Reusing the rotated-out token revokes the whole grant (the stolen-token case).
    t.is(await oauthError(oidc.refreshTokenGrant(rp.config, tokens.refresh_token!)), 'invalid_grant')
    t.is(await oauthError(oidc.refreshTokenGrant(rp.config, refreshed.refresh_token!)), 'invalid_grant')

    // RP-initiated logout, back to the registered address; an unregistered one is refused.
    const evil = oidc.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'https://evil.example.com/' })
    const refused = await fetch(evil, { redirect: 'manual' })
    t.is(refused.status, 400)
    t.is(refused.headers.get('location'), null)
    await page.goto(oidc.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: postLogoutUri }).href)
    await page.click('button[autofocus], button[value=yes], button[type=submit]')
    await landedOn(page, postLogoutUri)
    await context.close()
  })

  test(`consent page for a third-party client: deny answers access_denied, allow is remembered; ending the Heimdall session ends the grant [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server, { firstParty: false })
    const context = await browser.newContext()
    const page = await context.newPage()
    const denied = await authorizationUrl(rp)
    await signIn(page, denied.url, rp.email)
    await page.waitForSelector('text=Allow access?')
    t.true((await page.content()).includes('Third-party wiki'))
    await page.click('button:has-text("Deny")')
    const deniedAt = await landedOn(page, redirectUri)
    t.is(deniedAt.searchParams.get('error'), 'access_denied')

    const allowed = await authorizationUrl(rp, 'openid email')
    await page.goto(allowed.url.href)
    // Already signed in through the provider session: consent only.
    await page.click('button:has-text("Allow")')
    const first = await landedOn(page, redirectUri)
    const tokens = await oidc.authorizationCodeGrant(rp.config, first, { pkceCodeVerifier: allowed.verifier, expectedState: allowed.state })
    const sub = tokens.claims()!.sub
    t.like(await oidc.fetchUserInfo(rp.config, tokens.access_token, sub), { sub, email: rp.email })

    // Consent is remembered for this client and these scopes: straight back with a code.
    const again = await authorizationUrl(rp, 'openid email')
    await page.goto(again.url.href)
    const second = await landedOn(page, redirectUri)
    const more = await oidc.authorizationCodeGrant(rp.config, second, { pkceCodeVerifier: again.verifier, expectedState: again.state })

    // Code reuse: refused, and the grant's tokens are revoked.
    t.is(await oauthError(oidc.authorizationCodeGrant(rp.config, second, { pkceCodeVerifier: again.verifier, expectedState: again.state })), 'invalid_grant')
    t.not(await oauthError(oidc.fetchUserInfo(rp.config, more.access_token, sub)), undefined, 'the reused code revoked the grant')
    t.not(await oauthError(oidc.fetchUserInfo(rp.config, tokens.access_token, sub)), undefined, 'and every token of it')

    // Ending the Heimdall session (session:revoke) ends what the provider issued in it. The consent
    // outlives the revoked grant: a new grant, without asking.
    const third = await authorizationUrl(rp, 'openid email')
    await page.goto(third.url.href)
    const fresh = await oidc.authorizationCodeGrant(rp.config, await landedOn(page, redirectUri), { pkceCodeVerifier: third.verifier, expectedState: third.state })
    t.like(await oidc.fetchUserInfo(rp.config, fresh.access_token, sub), { sub })
    const sessions = await server.context.sessions.findSessionsByUserId(sub)
    t.is(sessions.length, 1, 'signing in through OIDC opened one Heimdall session')
    await revokeSession(server.context, { sessionId: sessions[0].id, reason: 'admin' })
    t.not(await oauthError(oidc.fetchUserInfo(rp.config, fresh.access_token, sub)), undefined, 'userinfo refuses once the session ended')
    // And the provider's own session is over: the next authorization asks to sign in again.
    await page.goto((await authorizationUrl(rp, 'openid email')).url.href)
    await page.waitForSelector('input[name=password]')
    await context.close()
  })

  test(`consent revoked on the account page: the grant and its tokens are gone, the refresh token is refused, the next authorization asks again [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server, { firstParty: false })
    const context = await browser.newContext()
    const page = await context.newPage()
    const { url, verifier, state } = await authorizationUrl(rp)
    await signIn(page, url, rp.email)
    await page.click('button:has-text("Allow")')
    const tokens = await oidc.authorizationCodeGrant(rp.config, await landedOn(page, redirectUri), { pkceCodeVerifier: verifier, expectedState: state })
    t.truthy(tokens.refresh_token)
    const sub = tokens.claims()!.sub

    // Signing in through OIDC signed in to the account page too: the application is listed there.
    await page.goto(`${server.url}/account`)
    const listed = page.locator('.applications > li')
    t.is(await listed.count(), 1)
    const entry = await listed.innerText()
    t.regex(entry, /Third-party wiki, allowed \d{4}-\d\d-\d\d \d\d:\d\d UTC, may:/)
    t.regex(entry, /See your email address/)
    t.regex(entry, /Stay signed in when you are away/)

    // Nobody else can take it back.
    const other = await registerUser(server.context, { email: uniqueEmail('other'), password: TEST_PASSWORD })
    await t.throwsAsync(revokeConsent(server.context, { userId: other.userId, clientId: rp.clientId }), { message: /no access to revoke/ })

    await Promise.all([page.waitForURL(/done=consent_revoked/), page.getByRole('button', { name: 'Revoke access of Third-party wiki' }).click()])
    t.regex(await page.locator('.notice.success').innerText(), /no longer has access/)
    t.is(await page.locator('.applications > li').count(), 0)
    t.regex(await page.locator('section[aria-labelledby=applications-title]').innerText(), /No application has access/)

    t.is(await oauthError(oidc.refreshTokenGrant(rp.config, tokens.refresh_token!)), 'invalid_grant')
    t.not(await oauthError(oidc.fetchUserInfo(rp.config, tokens.access_token, sub)), undefined, 'the access token went with the grant')
    const left = await server.context.db('oidc_payloads').where({ client_id: rp.clientId }).whereIn('kind', ['Grant', 'AccessToken', 'RefreshToken', 'AuthorizationCode']).select('kind')
    t.deepEqual(left, [], 'no grant, code or token of the client is left')
    const [audited] = await server.context.audit.findAuditEvents({ type: 'consent.revoked', limit: 1 })
    t.like(JSON.parse(audited.detail ?? '{}'), { client_id: rp.clientId, grants: 1 })
    t.is(audited.user_id, sub)
    t.like(JSON.parse(audited.payload ?? '{}'), { user_id: sub, client_id: rp.clientId, grants: 1 })

    // Still signed in, but the client must ask again.
    await page.goto((await authorizationUrl(rp, 'openid email')).url.href)
    await page.waitForSelector('text=Allow access?')
    await context.close()
  })

  test(`device authorization grant (RFC 8628): the user approves in the browser while the client polls [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const { email, clientId, config } = await deviceFlowClient(server, { name: 'heimdall-cli', firstParty: true })
    const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid email offline_access' })
    t.regex(started.user_code, /^[A-Z]{4}-[A-Z]{4}$/)
    const polled = oidc.pollDeviceAuthorizationGrant(config, started)

    const context = await browser.newContext()
    const page = await context.newPage()
    await page.goto(started.verification_uri_complete!)
    // The link's code is filled in, then the confirmation page shows it; confirming leads to Heimdall's sign-in.
    await page.click('button:has-text("Continue")')
    await page.click('button:has-text("Continue")')
    await page.fill('input[name=email]', email)
    await page.fill('input[name=password]', TEST_PASSWORD)
    await page.click('button[type=submit]')
    await page.waitForSelector('text=Device connected')

    const tokens = await polled
    const sub = tokens.claims()!.sub
    t.like(await oidc.fetchUserInfo(config, tokens.access_token, sub), { sub, email })
    // The same device code cannot be redeemed twice.
    const again = await fetch(config.serverMetadata().token_endpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: started.device_code, client_id: clientId }),
    })
    t.is(again.status, 400)
    t.like(await again.json(), { error: 'invalid_grant' })

    // user:disable ends the user's sessions, and with them the grant: userinfo and refresh refuse.
    await setUserDisabled(server.context, { email, disabled: true })
    t.not(await oauthError(oidc.fetchUserInfo(config, tokens.access_token, sub)), undefined)
    t.is(await oauthError(oidc.refreshTokenGrant(config, tokens.refresh_token!)), 'invalid_grant')
    await context.close()
  })

  test(`the hosted sign-in's second step: a user with an authenticator app signs in with password then code; amr says so [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server, { firstParty: true })
    // The relying party's user enrols an authenticator app through the API first.
    await markEmailVerified(server.context, { email: rp.email })
    const tokens0 = await server.client.loginTokens(rp.email, TEST_PASSWORD)
    const { secret } = await enrolTotp(server.client, tokens0.accessToken)
    const context = await browser.newContext()
    const page = await context.newPage()
    const { url, verifier, state } = await authorizationUrl(rp, 'openid email')
    await signIn(page, url, rp.email)
    await page.fill('input[name=code]', await totpCode(secret, 1))
    await page.click('button:has-text("Verify code")')
    const returned = await landedOn(page, redirectUri)
    const tokens = await oidc.authorizationCodeGrant(rp.config, returned, { pkceCodeVerifier: verifier, expectedState: state })
    const amr = tokens.claims()!.amr as string[]
    t.true(amr.includes('pwd'), JSON.stringify(amr))
    t.true(amr.includes('otp'), JSON.stringify(amr))

    // logout-all from any of the user's sessions ends the one OIDC opened, and its grant with it.
    t.like(await oidc.fetchUserInfo(rp.config, tokens.access_token, tokens.claims()!.sub), { email: rp.email })
    const loggedOut = await fetch(`${server.url}/auth/logout-all`, { method: 'POST', headers: { authorization: `Bearer ${tokens0.accessToken}` } })
    t.is(loggedOut.status, 204)
    t.not(await oauthError(oidc.fetchUserInfo(rp.config, tokens.access_token, tokens.claims()!.sub)), undefined)
    await context.close()
  })
}
