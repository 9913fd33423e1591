// The embedded default as the README starts it: `heimdall serve` with no HEIMDALL_PUBLIC_URL, here
// on a port of its own (--port). Its account page, at the address the README gives
// (http://localhost:PORT/account/), adds a passkey in headless Chromium with a virtual authenticator
// and signs in with it: the default public URL names a host passkeys accept, on the port served.
import test from 'ava'
import type { Browser } from 'playwright-core'
import { browserAvailable, contextWithAuthenticator, launchBrowser } from '../../support/browser.js'
import { runCli } from '../../support/cli.js'
import { backends, createMigratedTestDatabase } from '../../support/db.js'
import { serve } from '../../support/serve-process.js'
import { freePort, TEST_PASSWORD, TEST_SECRET, uniqueEmail } from '../../support/server.js'

if (browserAvailable('Passkeys on the embedded default')) {
  let browser: Browser
  test.before(async () => {
    browser = await launchBrowser()
  })
  test.after.always(async () => {
    await browser?.close()
  })

  for (const backend of backends()) {
    test(`serve without HEIMDALL_PUBLIC_URL: the account page at http://localhost:PORT/account/ adds a passkey and signs in with it [${backend}]`, async (t) => {
      const database = await createMigratedTestDatabase(backend)
      const port = await freePort()
      const served = await serve({ HEIMDALL_DATABASE_URL: database.url, HEIMDALL_JWT_SECRET: TEST_SECRET, HEIMDALL_SECRET_FILE: `${database.dir}/jwt-secret` }, ['--port', String(port)])
      const { context, page } = await contextWithAuthenticator(browser)
      try {
        t.notRegex(served.stderr(), /Passkeys will fail/, 'serve has nothing to warn about on its default')
        const email = uniqueEmail('default-passkey')
        const registered = await fetch(`${served.url}/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: TEST_PASSWORD }) })
        t.is(registered.status, 200)
        await registered.arrayBuffer()
        // No factor before the address is proven (docs/security.md): the operator vouches for it here.
        const env = { HEIMDALL_DATABASE_URL: database.url, HEIMDALL_JWT_SECRET: TEST_SECRET }
        const verified = await runCli(['user:verify-email', email], { env })
        t.is(verified.code, 0, verified.stderr)

        const account = `http://localhost:${port}/account/`
        await page.goto(account)
        t.is(new URL(page.url()).pathname, '/account/login')
        await page.getByLabel('Email').fill(email)
        await page.getByLabel('Password').fill(TEST_PASSWORD)
        await Promise.all([page.waitForURL(/\/account$/), page.getByRole('button', { name: 'Sign in', exact: true }).click()])
        await page.getByLabel('Name of the new passkey').fill('Laptop key')
        // Adding a passkey asks for the password, as the authenticator app's setup does.
        await page.locator('#passkey-register-password').fill(TEST_PASSWORD)
        await Promise.all([page.waitForURL(/done=passkey_added/), page.getByRole('button', { name: 'Add a passkey' }).click()])
        t.regex((await page.locator('.passkeys').textContent())!, /Laptop key: added/)

        await Promise.all([page.waitForURL(/\/account\/login\?signed_out=1$/), page.locator('form[action="/account/logout"] button').click()])
        await Promise.all([page.waitForURL(/\/account$/), page.getByRole('button', { name: 'Sign in with a passkey' }).click()])
        t.regex((await page.locator('.sessions').textContent())!, /\(passkey\): this device/, 'signed in with the passkey alone')
      } finally {
        await context.close()
        served.child.kill('SIGTERM')
        await served.exited
        await database.drop()
      }
    })
  }
}
