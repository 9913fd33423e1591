// A passkey through the OpenID Connect hosted sign-in: the user adds a passkey on the account page
// (Chromium's virtual authenticator, the DevTools WebAuthn domain), signs out, and a relying party's
// authorization (code + PKCE, openid-client) is then signed in with the passkey alone; the ID token's
// amr says so. The issuer is http://localhost:PORT: browsers refuse IP addresses as WebAuthn rp ids.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import test from 'ava'
import * as oidc from 'openid-client'
import type { Browser } from 'playwright-core'
import { registerUser } from '../../../src/usecases/users/register-user.js'
import { markEmailVerified } from '../../../src/usecases/recovery/mark-email-verified.js'
import { createClient } from '../../../src/usecases/oidc/create-client.js'
import { browserAvailable, contextWithAuthenticator, launchBrowser } from '../../support/browser.js'
import { backends } from '../../support/db.js'
import { discover, startOidcServer } from '../../support/oidc.js'
import { TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'

type OidcServer = TestServer & { issuer: string }
const servers = new Map<string, OidcServer>()
let browser: Browser
let callback: Server
let redirectUri: string

if (browserAvailable('passkey sign-in through OpenID Connect')) {
  test.before(async () => {
    callback = createServer((_req, res) => res.end('relying party'))
    await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve))
    redirectUri = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/callback`
    browser = await launchBrowser()
    for (const backend of backends()) servers.set(backend, await startOidcServer(backend, {}, 'localhost'))
  })
  test.after.always(async () => {
    await browser?.close()
    for (const server of servers.values()) await server.close()
    callback?.close()
  })

  for (const backend of backends()) {
    test(`code flow signed in with a passkey on the hosted sign-in page: amr is hwk + mfa [${backend}]`, async (t) => {
      const server = servers.get(backend)!
      const origin = new URL(server.issuer).origin
      const email = uniqueEmail('oidc-passkey')
      await registerUser(server.context, { email, password: TEST_PASSWORD })
      // Only a proven address may add a passkey (docs/security.md, pre-account takeover).
      await markEmailVerified(server.context, { email })
      const created = await createClient(server.context, {
        name: 'Grafana',
        redirectUris: [redirectUri],
        postLogoutRedirectUris: [],
        grants: ['authorization_code'],
        scopes: ['openid', 'email'],
        isPublic: false,
        firstParty: true,
      })
      const config = await discover(server.issuer, created.clientId, created.clientSecret)

      const { context, page } = await contextWithAuthenticator(browser)
      try {
        // A passkey added on the account page, then signed out.
        await page.goto(`${origin}/account/login`)
        await page.getByLabel('Email').fill(email)
        await page.getByLabel('Password').fill(TEST_PASSWORD)
        await Promise.all([page.waitForURL(`${origin}/account`), page.getByRole('button', { name: 'Sign in', exact: true }).click()])
        await page.getByLabel('Name of the new passkey').fill('Laptop')
        // Adding a passkey asks for the password, as the authenticator app's setup does.
        await page.locator('#passkey-register-password').fill(TEST_PASSWORD)
        await Promise.all([page.waitForURL(/done=passkey_added/), page.getByRole('button', { name: 'Add a passkey' }).click()])
        await Promise.all([page.waitForURL(/\/account\/login\?signed_out=1$/), page.locator('form[action="/account/logout"] button').click()])

        const verifier = oidc.randomPKCECodeVerifier()
        const state = oidc.randomState()
        const url = oidc.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope: 'openid email', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state })
        await page.goto(url.href)
        t.is(new URL(page.url()).pathname, '/account/login', 'the authorization asks to sign in')
        await Promise.all([
          page.waitForURL((next) => next.href.startsWith(redirectUri)),
          page.getByRole('button', { name: 'Sign in with a passkey' }).click(),
        ])
        const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: verifier, expectedState: state })
        const claims = tokens.claims()!
        t.is(claims.email, email)
        t.deepEqual([...(claims.amr as string[])].sort(), ['hwk', 'mfa'], 'a passkey alone, with user verification')
      } finally {
        await context.close()
      }
    })
  }
}
