// Screenshots of every hosted page for docs/pages.md: light and dark, 1280 and 390 px wide, taken in
// headless Chromium (Debian's, as the browser tests use) from a real server on SQLite. Run it after a
// build: `npm run build && npx ava --config ava.screenshots.config.js` (writes docs/pages/*.png). Not
// part of `npm test`, whose files end in .test.js. Every page is reached as a person would, through its forms.
import { mkdirSync } from 'node:fs'
import test from 'ava'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { launchBrowser } from '../support/browser.js'
import { totpCode } from '../support/mfa.js'
import { freePort, startTestServer, TEST_PASSWORD, uniqueEmail } from '../support/server.js'
import { markEmailVerified } from '../../src/usecases/recovery/mark-email-verified.js'

const OUT = fileURLToPath(new URL('../../../docs/pages/', import.meta.url))
const WIDTHS = { desktop: 1280, phone: 390 } as const
const SCHEMES = ['light', 'dark'] as const

/** One page state: how to get there in a fresh, signed-in-or-not browser context. */
interface Shot {
  name: string
  open: (page: Page, origin: string) => Promise<void>
}

async function signIn(page: Page, origin: string, email: string): Promise<void> {
  await page.goto(`${origin}/account/login`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(TEST_PASSWORD)
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in', exact: true }).click()])
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true })
  const port = await freePort()
  const origin = `http://localhost:${port}`
  const server = await startTestServer('sqlite', { port, env: { HEIMDALL_PUBLIC_URL: origin} })
  let browser: Browser | undefined
  try {
    browser = await launchBrowser()
    const account = 'ada@example.com'
    await server.client.register(account, TEST_PASSWORD)
    const verified = uniqueEmail('shots')
    await server.client.register(verified, TEST_PASSWORD)
    await markEmailVerified(server.context, { email: verified })

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
    ]
    for (const shot of shots) {
      for (const [widthName, width] of Object.entries(WIDTHS)) {
        for (const colorScheme of SCHEMES) {
          const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme })
          const page = await context.newPage()
          await shot.open(page, origin)
          await page.screenshot({ path: `${OUT}${shot.name}-${widthName}-${colorScheme}.png`, fullPage: true })
          await context.close()
        }
      }
      console.log(`docs/pages/${shot.name}-*.png`)
    }
  } finally {
    await browser?.close()
    await server.close()
  }
}

test('screenshots of every hosted page into docs/pages/', async (t) => {
  await main()
  t.pass()
})
