// The hosted recovery pages in headless Chromium (Debian's, driven by playwright-core), with
// JavaScript off: open the link from the mail the SMTP server received, set a new password (errors
// shown next to their field first), log in with it; ask for the link from the sign-in page; confirm
// an address and an email change with the button on their links' pages (opening one changes nothing); links that do not work say why. No request
// carries a Referer, nothing is loaded from elsewhere.
import test, { type ExecutionContext } from 'ava'
import type { Browser, BrowserContext, Page, Response } from 'playwright-core'
import { browserAvailable, launchBrowser } from '../../support/browser.js'
import { backends, type Backend } from '../../support/db.js'
import { linkMail, SUBJECTS } from '../../support/mail-links.js'
import { freePort, startTestServer, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp.js'

const NEW_PASSWORD = 'Page-Chosen-Pass-42'

if (browserAvailable('the recovery pages')) {
  let smtp: TestSmtpServer
  let browser: Browser
  const servers = new Map<Backend, TestServer>()

  test.before(async () => {
    ;[smtp, browser] = await Promise.all([startSmtpServer(), launchBrowser()])
    for (const backend of backends()) {
      // The mails must link to this very server: its address is fixed before it starts.
      const port = await freePort()
      servers.set(backend, await startTestServer(backend, { port, env: { HEIMDALL_SMTP_URL: smtp.url, HEIMDALL_PUBLIC_URL: `http://127.0.0.1:${port}`, HEIMDALL_MAIL_POLL_MS: '100' } }))
    }
  })

  test.after.always(async () => {
    await browser?.close()
    await Promise.all([...servers.values()].map((server) => server.close()))
    await smtp?.close()
  })

  /** A fresh browser profile without JavaScript, recording every request's address and Referer. */
  async function openPage(): Promise<{ context: BrowserContext; page: Page; requests: Array<{ url: string; referer: string | undefined }> }> {
    const context = await browser.newContext({ javaScriptEnabled: false })
    const page = await context.newPage()
    const requests: Array<{ url: string; referer: string | undefined }> = []
    page.on('request', (request) => requests.push({ url: request.url(), referer: request.headers().referer }))
    return { context, page, requests }
  }

  function assertPageHeaders(t: ExecutionContext, response: Response | null): void {
    t.regex(String(response?.headers()['content-security-policy']), /^default-src 'none'; style-src 'self';/)
    t.is(response?.headers()['referrer-policy'], 'no-referrer')
  }

  for (const backend of backends()) {
    const serverOf = () => servers.get(backend)!

    test(`reset in the browser: open the mailed link, errors next to the field, set a new password, log in with it [${backend}]`, async (t) => {
      const server = serverOf()
      const email = uniqueEmail('page-reset')
      await server.client.register(email, TEST_PASSWORD)
      const before = await server.client.loginTokens(email, TEST_PASSWORD)
      t.is((await server.client.post('auth/password/forgot', { email })).statusCode, 202)
      const { mail } = await linkMail(smtp, email, SUBJECTS.reset)
      t.true(mail.link!.startsWith(`${server.url}/account/reset-password?token=`), 'the link leads to this server')

      const { context, page, requests } = await openPage()
      try {
        assertPageHeaders(t, await page.goto(mail.link!))
        t.is(await page.title(), 'Choose a new password · Heimdall')
        t.true((await page.locator('main').innerText()).includes(email))

        await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD)
        await page.getByLabel('Repeat the new password').fill(`${NEW_PASSWORD}x`)
        await page.getByRole('button', { name: 'Set the new password' }).click()
        t.is(await page.getByLabel('Repeat the new password').getAttribute('aria-invalid'), 'true')
        t.is(await page.locator('#field-new_password_confirm-error').innerText(), 'The two passwords differ')

        await page.getByLabel('New password', { exact: true }).fill('weakpass')
        await page.getByLabel('Repeat the new password').fill('weakpass')
        await page.getByRole('button', { name: 'Set the new password' }).click()
        t.is(await page.getByLabel('New password', { exact: true }).getAttribute('aria-invalid'), 'true')
        const policy = await page.locator('#field-new_password-error').innerText()
        t.regex(policy, /upper-case letter/)
        t.regex(policy, /digit/)

        await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD)
        await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD)
        await page.getByRole('button', { name: 'Set the new password' }).click()
        t.is(await page.title(), 'Password changed · Heimdall')
        t.regex(await page.getByRole('status').innerText(), /has been changed and every device was signed out/)

        t.is((await server.client.login(email, TEST_PASSWORD)).statusCode, 400, 'the old password is gone')
        t.is((await server.client.login(email, NEW_PASSWORD)).statusCode, 200, 'the new one logs in')
        t.false((await server.client.validate(before.accessToken)).body.is_valid, 'the old session is dead')

        const again = await page.goto(mail.link!)
        t.is(again?.status(), 400)
        t.regex(await page.getByRole('status').innerText(), /This link was already used/)

        t.true(requests.length >= 5)
        // Playwright reports a Referer withheld by the policy as "".
        t.deepEqual(requests.filter((request) => Boolean(request.referer)), [], 'no request carried a Referer (the token is in the address)')
        t.deepEqual([...new Set(requests.map((request) => new URL(request.url).origin))], [server.url], 'nothing requested from anywhere else')
      } finally {
        await context.close()
      }
    })

    test(`forgot password from the sign-in page: the same answer for any address, the mailed link, a new password, signed in with it [${backend}]`, async (t) => {
      const server = serverOf()
      const email = uniqueEmail('page-forgot')
      await server.client.register(email, TEST_PASSWORD)
      const { context, page, requests } = await openPage()
      try {
        await page.goto(`${server.url}/account/login`)
        const forgot = await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Forgot password?' }).click()]).then(([response]) => response)
        assertPageHeaders(t, forgot)
        t.is(await page.title(), 'Forgot your password? · Heimdall')

        // The browser lets this address through; Heimdall's rules (a dot in the domain) do not.
        await page.getByLabel('Email').fill('ada@localhost')
        await page.getByRole('button', { name: 'Send me a link' }).click()
        t.is(await page.getByLabel('Email').getAttribute('aria-invalid'), 'true')
        t.regex(await page.locator('#field-email-error').innerText(), /must contain a "\."/)
        t.is(await page.getByLabel('Email').inputValue(), 'ada@localhost')

        // Unknown and known addresses get the same page.
        await page.getByLabel('Email').fill(uniqueEmail('page-forgot-nobody'))
        await page.getByRole('button', { name: 'Send me a link' }).click()
        const unknown = await page.locator('main').innerText()
        await page.goto(`${server.url}/account/forgot-password`)
        await page.getByLabel('Email').fill(email.toUpperCase())
        const sent = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Send me a link' }).click()]).then(([response]) => response)
        t.is(sent?.status(), 200)
        t.is(await page.locator('main').innerText(), unknown)
        t.is(await page.getByRole('status').innerText(), 'If an account with this address exists, a link to reset its password has been sent to it.')

        const { mail } = await linkMail(smtp, email, SUBJECTS.reset)
        t.true(mail.link!.startsWith(`${server.url}/account/reset-password?token=`))
        await page.goto(mail.link!)
        await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD)
        await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD)
        await page.getByRole('button', { name: 'Set the new password' }).click()
        t.is(await page.title(), 'Password changed · Heimdall')
        await page.getByRole('link', { name: 'Sign in' }).click()
        await page.getByLabel('Email').fill(email)
        await page.getByLabel('Password').fill(NEW_PASSWORD)
        await Promise.all([page.waitForURL(`${server.url}/account`), page.getByRole('button', { name: 'Sign in', exact: true }).click()])
        t.true((await page.locator('main').innerText()).includes(email), 'signed in with the new password')

        t.deepEqual(requests.filter((request) => Boolean(request.referer)), [], 'no request carried a Referer')
        t.deepEqual([...new Set(requests.map((request) => new URL(request.url).origin))], [server.url])
      } finally {
        await context.close()
      }
    })

    test(`verify and email-change links confirm in the browser; a broken link says why [${backend}]`, async (t) => {
      const server = serverOf()
      const email = uniqueEmail('page-verify')
      await server.client.register(email, TEST_PASSWORD)
      const { mail } = await linkMail(smtp, email, SUBJECTS.verify)
      const { context, page } = await openPage()
      try {
        const response = await page.goto(mail.link!)
        assertPageHeaders(t, response)
        t.is(response?.status(), 200)
        t.is(await page.title(), 'Confirm your email address · Heimdall')
        t.false((await server.client.validate((await server.client.loginTokens(email, TEST_PASSWORD)).accessToken)).body.email_verified, 'opening the link confirms nothing')
        await page.getByRole('button', { name: 'Confirm my address' }).click()
        t.is(await page.title(), 'Email address confirmed · Heimdall')
        t.regex(await page.getByRole('status').innerText(), new RegExp(`${email.replace(/\./g, '\\.')} is confirmed`))
        const { accessToken } = await server.client.loginTokens(email, TEST_PASSWORD)
        t.true((await server.client.validate(accessToken)).body.email_verified)

        const target = uniqueEmail('page-moved')
        const requested = await server.client.http.post('auth/email/change', { json: { new_email: target, password: TEST_PASSWORD }, headers: { authorization: `Bearer ${accessToken}` } })
        t.is(requested.statusCode, 202)
        const change = await linkMail(smtp, target, SUBJECTS.change)
        await page.goto(change.mail.link!)
        t.is(await page.title(), 'Confirm your new email address · Heimdall')
        t.is((await server.client.validate(accessToken)).body.email, email, 'opening the link moves nothing')
        await page.getByRole('button', { name: 'Confirm my new address' }).click()
        t.is(await page.title(), 'Email address changed · Heimdall')
        t.is((await server.client.validate(accessToken)).body.email, target)

        const broken = await page.goto(`${server.url}/account/verify-email?token=not-a-real-token`)
        t.is(broken?.status(), 400)
        t.is(await page.title(), 'This link does not work · Heimdall')
        t.regex(await page.getByRole('status').innerText(), /This link is not valid/)
        const noToken = await page.goto(`${server.url}/account/reset-password`)
        t.is(noToken?.status(), 400)
      } finally {
        await context.close()
      }
    })
  }
}
