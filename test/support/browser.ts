import test from 'ava'
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core'
import { flagSet } from './flags.js'
import { headlessShellPath, whyBrowserCannotStart } from './headless-shell.js'

/**
 * The browser playwright-core drives: Chromium's headless shell from npm (headless-shell.ts says why),
 * or HEIMDALL_CHROMIUM (Debian's /usr/bin/chromium, say).
 */
export const CHROMIUM = process.env.HEIMDALL_CHROMIUM ?? headlessShellPath()

/** CI (and anyone who sets HEIMDALL_TEST_BROWSER=1) must run the browser tests: a missing browser fails. */
const REQUIRED = flagSet(process.env.CI) || flagSet(process.env.HEIMDALL_TEST_BROWSER)

/**
 * Launches one headless Chromium for a test file; every host but the loopback address and localhost
 * fails to resolve, unless `offline` is false (the control that shows those rules are what stops a page).
 */
export async function launchBrowser({ offline = true }: { offline?: boolean } = {}): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', // CI runs as root, where Chromium's sandbox refuses to start
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-proxy-server',
      // localhost too: WebAuthn refuses IP addresses as relying party ids, so passkey pages are served from it.
      ...(offline ? ['--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost'] : []),
    ],
  })
  // Every context waits up to a minute for a navigation or an element, not Playwright's 30 s: with
  // the suite's three files at a time on two cores, a redirect chain through the provider, the pages
  // and a relying party has taken longer than 30 s to load, while it takes seconds alone.
  const newContext = browser.newContext.bind(browser)
  browser.newContext = async (options) => {
    const context = await newContext(options)
    context.setDefaultTimeout(BROWSER_TIMEOUT_MS)
    nameFailedAnswers(context)
    return context
  }
  return browser
}

/**
 * When a page's goto fails, its error names the error answers (status 400 and up) the context had
 * received: Chromium reports an error answer without a body (net::ERR_HTTP_RESPONSE_CODE_FAILURE)
 * with the URL the navigation started from, not the one in its redirects that answered, nor the status.
 */
function nameFailedAnswers(context: BrowserContext): void {
  const answers: string[] = []
  context.on('response', (response) => {
    if (response.status() >= 400) answers.push(`${new Date().toISOString()} ${response.status()} ${response.request().method()} ${response.url()} ${JSON.stringify(response.headers())}`)
  })
  const newPage = context.newPage.bind(context)
  context.newPage = async () => {
    const page = await newPage()
    const goto = page.goto.bind(page)
    page.goto = async (url, options) => {
      try {
        return await goto(url, options)
      } catch (error) {
        if (error instanceof Error && answers.length > 0) error.message += `\nError answers this browser context received:\n${answers.slice(-5).join('\n')}`
        throw error
      }
    }
    return page
  }
}

/** How long a browser test's page waits for a navigation or an element (milliseconds). */
export const BROWSER_TIMEOUT_MS = 60_000

/**
 * Whether this file's browser tests can run. When Chromium is missing, registers one test that fails
 * (CI, HEIMDALL_TEST_BROWSER=1) or is skipped with the reason, and answers false.
 */
export function browserAvailable(what: string): boolean {
  const why = whyBrowserCannotStart(CHROMIUM)
  if (!why) return true
  const reason = `${why} (Debian: apt-get install -y chromium brings what it needs)`
  if (REQUIRED) {
    test(`${what} in headless Chromium`, (t) => t.fail(`${reason}, and CI or HEIMDALL_TEST_BROWSER=1 requires this test`))
  } else {
    test.skip(`${what} in headless Chromium: skipped, ${reason}; set HEIMDALL_TEST_BROWSER=1 to require it`, () => {})
  }
  return false
}

/**
 * A fresh browser context (cookies of its own) with a page carrying a virtual platform authenticator
 * (Chromium's WebAuthn domain over CDP): passkeys are created and used without a person touching anything.
 * `options` are the context's (extra headers, say).
 */
export async function contextWithAuthenticator(browser: Browser, options?: BrowserContextOptions): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options)
  const page = await context.newPage()
  const cdp = await context.newCDPSession(page)
  await cdp.send('WebAuthn.enable')
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  })
  return { context, page }
}

/** Runs `run` on a new page of `context`, then closes the context, whatever `run` did. */
export async function withPage(context: BrowserContext, run: (page: Page) => Promise<void>): Promise<void> {
  try {
    await run(await context.newPage())
  } finally {
    await context.close()
  }
}
