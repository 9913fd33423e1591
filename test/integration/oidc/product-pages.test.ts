// The OpenID Connect side of issue 27, in headless Chromium: the sign-in page names the application
// asking; the consent page's Allow and Deny look different and name it; prompt=create leads to the
// registration page, which names it too, and, after the sign-in that follows, back to the application;
// the provider's error page offers a way back. axe-core in light and dark mode on each: zero violations.
import test from 'ava'
import * as oidc from 'openid-client'
import type { Browser, Page } from 'playwright-core'
import { createClient } from '../../../src/usecases/oidc/create-client.js'
import { markEmailVerified } from '../../../src/usecases/recovery/mark-email-verified.js'
import { registerUser } from '../../../src/usecases/users/register-user.js'
import { assertAccessible } from '../../support/axe.js'
import { browserAvailable, launchBrowser } from '../../support/browser.js'
import { backends } from '../../support/db.js'
import { discover, startOidcServer, startRelyingPartyCallback, type OidcServer, type RelyingPartyCallback } from '../../support/oidc.js'
import { TEST_PASSWORD, uniqueEmail } from '../../support/server.js'

const servers = new Map<string, OidcServer>()
let browser: Browser
let callback: RelyingPartyCallback | undefined

if (browserAvailable('The OpenID Connect pages as a product')) {
  test.before(async () => {
    callback = await startRelyingPartyCallback()
    browser = await launchBrowser()
    for (const backend of backends()) servers.set(backend, await startOidcServer(backend))
  })
  test.after.always(async () => {
    await browser?.close()
    for (const server of servers.values()) await server.close()
    callback?.close()
  })

  for (const backend of backends()) {
    const serverOf = () => servers.get(backend)!

    async function thirdParty(server: OidcServer): Promise<{ config: oidc.Configuration; url: (extra?: Record<string, string>) => Promise<URL> }> {
      const created = await createClient(server.context, {
        name: 'Team wiki',
        redirectUris: [callback!.redirectUri],
        postLogoutRedirectUris: [callback!.postLogoutUri],
        grants: ['authorization_code'],
        scopes: ['openid', 'email'],
        isPublic: false,
        firstParty: false,
      })
      const config = await discover(server.issuer, created.clientId, created.clientSecret)
      const url = async (extra: Record<string, string> = {}) =>
        oidc.buildAuthorizationUrl(config, {
          redirect_uri: callback!.redirectUri,
          scope: 'openid email',
          code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
          code_challenge_method: 'S256',
          state: oidc.randomState(),
          ...extra,
        })
      return { config, url }
    }

    async function fill(page: Page, email: string): Promise<void> {
      await page.getByLabel('Email').fill(email)
      await page.getByLabel('Password').fill(TEST_PASSWORD)
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in', exact: true }).click()])
    }

    test(`the sign-in page names the application; Allow and Deny look different and name it [${backend}]`, async (t) => {
      const server = serverOf()
      const rp = await thirdParty(server)
      const email = uniqueEmail('oidc-product')
      await registerUser(server.context, { email, password: TEST_PASSWORD })
      const context = await browser.newContext()
      const page = await context.newPage()
      try {
        await page.goto((await rp.url()).href)
        await page.waitForURL(/\/account\/login\?client_id=/)
        t.is(await page.locator('p.lead').textContent(), 'Sign in to continue to Team wiki.')
        await assertAccessible(t, page, 'the sign-in page of an application')
        // A wrong password keeps the application named.
        await page.getByLabel('Email').fill(email)
        await page.getByLabel('Password').fill('Wrong-Password-1')
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in', exact: true }).click()])
        t.is(await page.locator('p.lead').textContent(), 'Sign in to continue to Team wiki.')
        await page.getByLabel('Password').fill(TEST_PASSWORD)
        await page.getByRole('button', { name: 'Sign in', exact: true }).click()
        await page.getByRole('heading', { name: 'Allow access?' }).waitFor()
        const allow = page.getByRole('button', { name: 'Allow Team wiki' })
        const deny = page.getByRole('button', { name: 'Deny Team wiki' })
        const look = (button: typeof allow) => button.evaluate((element) => {
          const style = (globalThis as unknown as { getComputedStyle(element: unknown): { backgroundColor: string; color: string } }).getComputedStyle(element)
          return `${style.backgroundColor} ${style.color}`
        })
        t.not(await look(allow), await look(deny), 'Allow and Deny look different')
        const [allowBox, denyBox] = [await allow.boundingBox(), await deny.boundingBox()]
        t.true(allowBox!.y + allowBox!.height + 8 <= denyBox!.y || allowBox!.x + allowBox!.width + 8 <= denyBox!.x, 'and do not touch')
        await assertAccessible(t, page, 'the consent page')
        await Promise.all([page.waitForURL((url) => url.href.startsWith(callback!.redirectUri)), deny.click()])
        t.is(new URL(page.url()).searchParams.get('error'), 'access_denied')
      } finally {
        await context.close()
      }
    })

    test(`prompt=create: the registration page, then sign-in, then back to the application; the provider's error page has a way back [${backend}]`, async (t) => {
      const server = serverOf()
      const rp = await thirdParty(server)
      const context = await browser.newContext()
      const page = await context.newPage()
      try {
        await page.goto((await rp.url({ prompt: 'create' })).href)
        await page.waitForURL(/\/account\/register/)
        t.is(await page.locator('h1').textContent(), 'Create an account')
        t.is(await page.locator('p.lead').textContent(), 'Create an account to continue to Team wiki.', 'the registration page names the application, as the sign-in page does')
        const email = uniqueEmail('oidc-create')
        await page.getByLabel('Email').fill(email)
        await page.getByLabel('Password').fill(TEST_PASSWORD)
        await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Create account' }).click()])
        t.is(await page.locator('h1').textContent(), 'Check your mail')
        await markEmailVerified(server.context, { email })
        await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Sign in to Team wiki' }).click()])
        t.is(await page.locator('p.lead').textContent(), 'Sign in to continue to Team wiki.')
        await fill(page, email)
        await page.getByRole('heading', { name: 'Allow access?' }).waitFor()
        await Promise.all([page.waitForURL((url) => url.href.startsWith(callback!.redirectUri)), page.getByRole('button', { name: 'Allow Team wiki' }).click()])
        t.truthy(new URL(page.url()).searchParams.get('code'), 'back at the application with a code')

        // An authorization request the provider refuses (an unknown client): its error page leads somewhere.
        await page.goto(`${server.issuer}/auth?client_id=no-such-client&response_type=code&scope=openid`)
        t.is(await page.getByRole('link', { name: 'go to your account' }).getAttribute('href'), '/account')
        await assertAccessible(t, page, "the provider's error page")
      } finally {
        await context.close()
      }
    })
  }
}
