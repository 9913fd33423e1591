// Screenshots of every hosted page for docs/pages.md: light and dark, 1280 and 390 px wide, taken in
// headless Chromium (Debian's, as the browser tests use) from a real server on SQLite. Run it after a
// build: `npm run build && npx ava --config ava.screenshots.config.js` (writes docs/pages/*.png). Not
// part of `npm test`, whose files end in .test.js. Every page is reached as a person would, through its forms.
import { mkdirSync } from 'node:fs'
import test from 'ava'
import { fileURLToPath } from 'node:url'
import * as oidc from 'openid-client'
import type { Browser, BrowserContextOptions, Page } from 'playwright-core'
import { launchBrowser } from '../support/browser.js'
import { totpCode } from '../support/mfa.js'
import { deviceFlowClient, discover, startOidcServer, startRelyingPartyCallback, type RelyingPartyCallback } from '../support/oidc.js'
import { TEST_PASSWORD, uniqueEmail } from '../support/server.js'
import { ACCOUNT_HEADER, startUpstreamOidc, type UpstreamOidc } from '../support/upstream-oidc.js'
import { createProvider } from '../../src/usecases/federation/create-provider.js'
import { createClient } from '../../src/usecases/oidc/create-client.js'
import { markEmailVerified } from '../../src/usecases/recovery/mark-email-verified.js'

const OUT = fileURLToPath(new URL('../../../docs/pages/', import.meta.url))
const WIDTHS = { desktop: 1280, phone: 390 } as const
const SCHEMES = ['light', 'dark'] as const

/** One page state: how to get there in a fresh, signed-in-or-not browser context (made with `context`'s options). */
interface Shot {
  name: string
  open: (page: Page, origin: string) => Promise<void>
  context?: BrowserContextOptions
}

async function signIn(page: Page, origin: string, email: string): Promise<void> {
  await page.goto(`${origin}/account/login`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(TEST_PASSWORD)
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in', exact: true }).click()])
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true })
  // OpenID Connect on, for its pages (consent, device, logout, the provider's errors); on localhost, as the page tests.
  const server = await startOidcServer('sqlite', {}, 'localhost')
  const origin = new URL(server.issuer).origin
  let browser: Browser | undefined
  let relyingParty: RelyingPartyCallback | undefined
  let upstream: UpstreamOidc | undefined
  try {
    browser = await launchBrowser()
    relyingParty = await startRelyingPartyCallback()
    const { redirectUri } = relyingParty
    // A third-party application (its consent is asked) and a first-party one (signed in without it).
    const wiki = await createClient(server.context, { name: 'Team wiki', redirectUris: [redirectUri], postLogoutRedirectUris: [], grants: ['authorization_code'], scopes: ['openid', 'email'], isPublic: false, firstParty: false })
    const wikiConfig = await discover(server.issuer, wiki.clientId, wiki.clientSecret)
    const portal = await createClient(server.context, { name: 'Staff portal', redirectUris: [redirectUri], postLogoutRedirectUris: [], grants: ['authorization_code'], scopes: ['openid'], isPublic: false, firstParty: true })
    const portalConfig = await discover(server.issuer, portal.clientId, portal.clientSecret)
    const authorizationUrl = async (config: oidc.Configuration, scope: string, extra: Record<string, string> = {}) =>
      oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope,
        code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
        state: oidc.randomState(),
        ...extra,
      }).href
    const fillSignIn = async (page: Page, email: string) => {
      await page.getByLabel('Email').fill(email)
      await page.getByLabel('Password').fill(TEST_PASSWORD)
      await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    }
    const device = await deviceFlowClient(server, { name: 'Living room TV', firstParty: false, emailLabel: 'shots-device' })
    const account = 'ada@example.com'
    await server.client.register(account, TEST_PASSWORD)
    const verified = uniqueEmail('shots')
    await server.client.register(verified, TEST_PASSWORD)
    await markEmailVerified(server.context, { email: verified })

    const take = async (shot: Shot) => {
      for (const [widthName, width] of Object.entries(WIDTHS)) {
        for (const colorScheme of SCHEMES) {
          const context = await browser!.newContext({ ...shot.context, viewport: { width, height: 900 }, colorScheme })
          const page = await context.newPage()
          await shot.open(page, origin)
          await page.screenshot({ path: `${OUT}${shot.name}-${widthName}-${colorScheme}.png`, fullPage: true })
          await context.close()
        }
      }
      console.log(`docs/pages/${shot.name}-*.png`)
    }
    const shots: Shot[] = [
      { name: 'sign-in', open: (page) => page.goto(`${origin}/account/login`).then(() => undefined) },
      {
        name: 'sign-in-error',
        open: async (page) => {
          await page.goto(`${origin}/account/login`)
          await page.getByLabel('Email').fill('nobody@example.com')
          await page.getByLabel('Password').fill('not-the-password')
          await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in', exact: true }).click()])
        },
      },
      { name: 'register', open: (page) => page.goto(`${origin}/account/register`).then(() => undefined) },
      { name: 'forgot-password', open: (page) => page.goto(`${origin}/account/forgot-password`).then(() => undefined) },
      { name: 'account', open: (page) => signIn(page, origin, account) },
      {
        name: 'totp-setup-wrong-code',
        open: async (page) => {
          await signIn(page, origin, verified)
          const setup = page.locator('form[action="/account/totp/setup"]')
          await setup.getByLabel('Your password').fill(TEST_PASSWORD)
          await Promise.all([page.waitForNavigation(), setup.getByRole('button').click()])
          await page.getByLabel('The 6-digit code your app shows now').fill('000000')
          await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Turn on' }).click()])
        },
      },
      {
        name: 'recovery-codes',
        open: async (page) => {
          const email = uniqueEmail('shots-codes')
          await server.client.register(email, TEST_PASSWORD)
          await markEmailVerified(server.context, { email })
          await signIn(page, origin, email)
          const setup = page.locator('form[action="/account/totp/setup"]')
          await setup.getByLabel('Your password').fill(TEST_PASSWORD)
          await Promise.all([page.waitForNavigation(), setup.getByRole('button').click()])
          const key = (await page.locator('#totp-secret').textContent())!.trim()
          await page.getByLabel('The 6-digit code your app shows now').fill(await totpCode(key))
          await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Turn on' }).click()])
        },
      },
      { name: 'link-does-not-work', open: (page) => page.goto(`${origin}/account/verify-email?token=expired-or-unknown`).then(() => undefined) },
      { name: 'signed-out', open: async (page) => { await signIn(page, origin, account); await Promise.all([page.waitForNavigation(), page.locator('form[action="/account/logout"] button').click()]) } },
      { name: 'not-found', open: (page) => page.goto(`${origin}/account/no-such-page`).then(() => undefined) },
      {
        name: 'oidc-sign-in',
        open: async (page) => {
          await page.goto(await authorizationUrl(wikiConfig, 'openid email'))
          await page.waitForURL(/\/account\/login\?client_id=/)
        },
      },
      {
        name: 'oidc-consent',
        open: async (page) => {
          await page.goto(await authorizationUrl(wikiConfig, 'openid email'))
          await fillSignIn(page, account)
          await page.getByRole('heading', { name: 'Allow access?' }).waitFor()
        },
      },
      {
        name: 'oidc-register',
        open: async (page) => {
          await page.goto(await authorizationUrl(wikiConfig, 'openid email', { prompt: 'create' }))
          await page.waitForURL(/\/account\/register/)
        },
      },
      {
        name: 'device-code',
        open: async (page) => {
          const started = await oidc.initiateDeviceAuthorization(device.config, { scope: 'openid email' })
          await page.goto(started.verification_uri)
        },
      },
      {
        name: 'device-confirm',
        open: async (page) => {
          const started = await oidc.initiateDeviceAuthorization(device.config, { scope: 'openid email' })
          await page.goto(started.verification_uri_complete!)
          await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Continue' }).click()])
        },
      },
      {
        name: 'oidc-logout',
        open: async (page) => {
          await page.goto(await authorizationUrl(portalConfig, 'openid'))
          await fillSignIn(page, account)
          await page.waitForURL((url) => url.href.startsWith(redirectUri))
          await page.goto(`${server.issuer}/session/end?client_id=${portal.clientId}`)
          await page.getByRole('button', { name: 'Yes, sign me out' }).waitFor()
        },
      },
      { name: 'oidc-error', open: (page) => page.goto(`${server.issuer}/auth?client_id=no-such-client&response_type=code&scope=openid`).then(() => undefined) },
    ]
    for (const shot of shots) await take(shot)
    // Last: with a provider configured, the sign-in page has its "Continue with" button, which the shots above leave out.
    upstream = await startUpstreamOidc({ redirectUris: [`${origin}/account/sign-in/corp/callback`] })
    await createProvider(server.context, { name: 'corp', buttonLabel: 'Continue with Corp SSO', issuer: upstream.issuer, clientId: upstream.clientId, clientSecret: upstream.clientSecret, trustEmail: true, trustMfa: false, autoLink: false, createAccounts: true })
    // The upstream knows someone by an address an account here has: the link page asks that account's proof.
    upstream.setAccount('shots-link', { email: account, emailVerified: true })
    await take({
      name: 'federation-link',
      context: { extraHTTPHeaders: { [ACCOUNT_HEADER]: 'shots-link' } },
      open: async (page) => {
        await page.goto(`${origin}/account/login`)
        await Promise.all([page.waitForURL(/\/account\/sign-in\/link$/), page.getByRole('link', { name: 'Continue with Corp SSO' }).click()])
      },
    })
  } finally {
    await browser?.close()
    relyingParty?.close()
    await upstream?.close()
    await server.close()
  }
}

test('screenshots of every hosted page into docs/pages/', async (t) => {
  await main()
  t.pass()
})
