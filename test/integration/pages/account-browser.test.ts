// The account page in a real browser: headless Chromium (Debian's, driven by playwright-core) signs in
// on the hosted page, registers a passkey through Chromium's virtual authenticator (the DevTools
// WebAuthn domain), signs out, signs in with it without a password and as the second step, and walks
// the TOTP, recovery code, session and password flows. One server per database and one browser for the
// file; every test has its own user and browser context (its own cookies).
import test, { type ExecutionContext } from 'ava'
import { closePageTargets, eachBackend, startPageTargets, type PageTarget } from '../../support/each-backend.js'
import type { Browser, Page } from 'playwright-core'
import { claimsOf } from '../../support/jwt.js'
import { browserAvailable, contextWithAuthenticator, launchBrowser } from '../../support/browser.js'
import { runCli } from '../../support/cli.js'
import type { Backend } from '../../support/db.js'
import { postJson, totpCode } from '../../support/mfa.js'
import { registerUser } from '../../../src/usecases/users/register-user.js'
import { markEmailVerified } from '../../../src/usecases/recovery/mark-email-verified.js'
import { TEST_PASSWORD, uniqueEmail } from '../../support/server.js'

if (browserAvailable('The account page')) {
  type Target = PageTarget
  const targets = new Map<Backend, Target>()
  let browser: Browser

  test.before(async () => {
    ;[browser] = await Promise.all([launchBrowser(), startPageTargets(targets, { HEIMDALL_MFA_REQUIRED_ROLES: 'admin' })])
  })
  test.after.always(async () => {
    await browser?.close()
    await closePageTargets(targets)
  })

  /** One test per backend, each with that backend's server; the browser is shared. */
  const each = (title: string, run: (t: ExecutionContext, target: Target) => Promise<void>) => eachBackend(targets, title, run)


  async function signInWithPassword(page: Page, origin: string, email: string, password = TEST_PASSWORD): Promise<void> {
    await page.goto(`${origin}/account/login`)
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill(password)
    // Either /account (signed in) or the second step, rendered in answer to the POST (its mfa_token stays out of the URL).
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in', exact: true }).click()])
  }

  async function onSecondStep(page: Page): Promise<boolean> {
    return (await page.locator('h1').textContent()) === 'Second step'
  }

  async function signOut(page: Page): Promise<void> {
    await Promise.all([page.waitForURL(/\/account\/login\?signed_out=1$/), page.locator('form[action="/account/logout"] button').click()])
  }

  each('passkeys: register one on the account page, sign out, sign in with it alone and as the second step', async (t, { server, origin }) => {
    const email = uniqueEmail('browser-passkey')
    await server.client.register(email, TEST_PASSWORD)
    await markEmailVerified(server.context, { email })
    const { context, page } = await contextWithAuthenticator(browser)
    try {
      await signInWithPassword(page, origin, email)
      t.is(new URL(page.url()).pathname, '/account')
      t.true((await page.textContent('main'))!.includes(email))

      await page.getByLabel('Name of the new passkey').fill('Virtual key')
      // Adding a passkey asks for the password, as the authenticator app's setup does.
      await page.locator('#passkey-register-password').fill(TEST_PASSWORD)
      await Promise.all([page.waitForURL(/done=passkey_added/), page.getByRole('button', { name: 'Add a passkey' }).click()])
      t.regex((await page.locator('.passkeys').textContent())!, /Virtual key: added/)
      t.is((await server.context.db('passkeys').where({ name: 'Virtual key' })).length, 1)

      await signOut(page)
      await Promise.all([page.waitForURL(/\/account$/), page.getByRole('button', { name: 'Sign in with a passkey' }).click()])
      t.regex((await page.locator('.sessions').textContent())!, /\(passkey\): this device/, 'signed in with the passkey alone')

      await signOut(page)
      await signInWithPassword(page, origin, email)
      t.true(await onSecondStep(page), 'a user with a passkey needs it after the password')
      await Promise.all([page.waitForURL(/\/account$/), page.getByRole('button', { name: 'Use a passkey' }).click()])
      t.regex((await page.locator('.sessions').textContent())!, /\(password \+ passkey\): this device/)

      const user = await server.context.db('users').where({ email }).first()
      const sessions = await server.context.db('sessions').where({ user_id: user.id }).orderBy('created_at')
      t.deepEqual(sessions.map((session: { amr: string }) => session.amr), ['pwd', 'hwk mfa', 'pwd hwk mfa'])

      // The same passkey through the API: its signature counter went on moving in the authenticator.
      const passkey = await server.context.db('passkeys').where({ user_id: user.id }).first()
      t.true(Number(passkey.sign_count) >= 2, `sign count ${passkey.sign_count}`)
    } finally {
      await context.close()
    }
  })

  each('a role that requires a second factor: sign-in leads to enrolment only, a passkey is added there, then it is the second step', async (t, { server, origin }) => {
    const email = uniqueEmail('browser-admin')
    await registerUser(server.context, { email, password: TEST_PASSWORD, roles: ['admin'], byOperator: true })
    const { context, page } = await contextWithAuthenticator(browser)
    try {
      await signInWithPassword(page, origin, email)
      t.is(new URL(page.url()).pathname, '/account/enrol')
      t.regex((await page.textContent('main'))!, /Your role requires a second factor/)
      await page.goto(`${origin}/account`)
      t.is(new URL(page.url()).pathname, '/account/login', 'no account page before the factor')
      await page.goto(`${origin}/account/enrol`)
      await page.getByLabel('Name of the new passkey').fill('Admin key')
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Add a passkey' }).click()])
      t.is(await page.locator('h1').textContent(), 'Passkey added')
      await page.goto(`${origin}/account/enrol`)
      t.is(new URL(page.url()).pathname, '/account/login', 'the enrolment ends with the factor')

      await signInWithPassword(page, origin, email)
      t.true(await onSecondStep(page))
      await Promise.all([page.waitForURL(/\/account$/), page.getByRole('button', { name: 'Use a passkey' }).click()])
      t.regex((await page.locator('.sessions').textContent())!, /\(password \+ passkey\): this device/)
    } finally {
      await context.close()
    }
  })

  each('TOTP on the account page: QR and key, a code from the secret, recovery codes, then the code step at sign-in', async (t, { server, origin }) => {
    const email = uniqueEmail('browser-totp')
    await server.client.register(email, TEST_PASSWORD)
    await markEmailVerified(server.context, { email })
    const context = await browser.newContext()
    const page = await context.newPage()
    try {
      await signInWithPassword(page, origin, email)
      const setupForm = page.locator('form[action="/account/totp/setup"]')
      await setupForm.getByLabel('Your password').fill('Wrong-Pass-1')
      await setupForm.getByRole('button').click()
      t.regex((await page.locator('form[action="/account/totp/setup"] .form-error').textContent())!, /Incorrect password/, 'the error is next to its form')

      await page.locator('form[action="/account/totp/setup"]').getByLabel('Your password').fill(TEST_PASSWORD)
      await page.locator('form[action="/account/totp/setup"]').getByRole('button').click()
      t.is(await page.locator('figure.qr svg').count(), 1, 'the QR code is drawn inline')
      const secret = (await page.locator('#totp-secret').textContent())!.trim()
      t.regex(secret, /^[A-Z2-7]{32}$/)
      await page.getByLabel('The 6-digit code your app shows now').fill('000000')
      await page.getByRole('button', { name: 'Turn on' }).click()
      t.true((await page.locator('.field-errors').count()) > 0, 'a wrong code is refused next to the field')
      await page.getByLabel('The 6-digit code your app shows now').fill(await totpCode(secret))
      await page.getByRole('button', { name: 'Turn on' }).click()
      const codes = await page.locator('.recovery-codes code').allTextContents()
      t.is(codes.length, 10)

      await page.goto(`${origin}/account`)
      await signOut(page)
      await signInWithPassword(page, origin, email)
      t.true(await onSecondStep(page))
      await page.getByLabel('Code from your authenticator app').fill(await totpCode(secret, 1))
      await Promise.all([page.waitForURL(/\/account$/), page.getByRole('button', { name: 'Verify code' }).click()])
      t.regex((await page.locator('.sessions').textContent())!, /\(password \+ one-time code\): this device/)

      await signOut(page)
      await signInWithPassword(page, origin, email)
      await page.getByLabel('Recovery code').fill(codes[0])
      await Promise.all([page.waitForURL(/\/account$/), page.getByRole('button', { name: 'Use recovery code' }).click()])
      t.regex((await page.textContent('main'))!, /9 of 10 left/)

      await page.locator('form[action="/account/totp/disable"]').getByLabel('Your password').fill(TEST_PASSWORD)
      await Promise.all([page.waitForURL(/done=totp_disabled/), page.locator('form[action="/account/totp/disable"]').getByRole('button').click()])
      t.regex((await page.textContent('main'))!, /The authenticator app is removed/)
    } finally {
      await context.close()
    }
  })

  each('sessions and password on the account page; logout-all and user:disable end the page at once', async (t, { server, origin }) => {
    const email = uniqueEmail('browser-sessions')
    await server.client.register(email, TEST_PASSWORD)
    const context = await browser.newContext()
    const page = await context.newPage()
    try {
      await signInWithPassword(page, origin, email)
      const cookies = await context.cookies()
      const cookie = cookies.find((candidate) => candidate.name === 'heimdall_account')!
      t.like(cookie, { httpOnly: true, sameSite: 'Lax', secure: false }, 'Secure only when the public URL is https')

      const api = await server.client.loginTokens(email, TEST_PASSWORD)
      await page.reload()
      t.is(await page.locator('.sessions li').count(), 2)
      await Promise.all([page.waitForURL(/done=sessions/), page.getByRole('button', { name: 'Sign out all other sessions' }).click()])
      t.false((await server.client.validate(api.accessToken)).body.is_valid, 'the other session ended at once')
      t.is(await page.locator('.sessions li').count(), 1)

      const passwordForm = page.locator('form[action="/account/password"]')
      await passwordForm.getByLabel('Current password').fill(TEST_PASSWORD)
      await passwordForm.getByLabel('New password').fill('short')
      await passwordForm.getByRole('button').click()
      t.true((await page.locator('form[action="/account/password"] .field-errors').textContent())!.length > 0, 'the policy speaks next to the new password')
      await page.locator('form[action="/account/password"]').getByLabel('Current password').fill(TEST_PASSWORD)
      await page.locator('form[action="/account/password"]').getByLabel('New password').fill('Another-Secure-Pass-456')
      await Promise.all([page.waitForURL(/done=password/), page.locator('form[action="/account/password"]').getByRole('button').click()])
      t.is((await server.client.login(email, 'Another-Secure-Pass-456')).statusCode, 200)

      const other = await server.client.loginTokens(email, 'Another-Secure-Pass-456')
      t.is((await postJson(server.client, 'auth/logout-all', {}, other.accessToken)).statusCode, 204)
      await page.goto(`${origin}/account`)
      t.is(new URL(page.url()).pathname, '/account/login', 'logout-all ends the account page too')

      await signInWithPassword(page, origin, email, 'Another-Secure-Pass-456')
      t.is(new URL(page.url()).pathname, '/account')
      const disabled = await runCli(['user:disable', email], { env: server.env, timeoutMs: 120_000 })
      t.is(disabled.code, 0, disabled.stderr)
      await page.goto(`${origin}/account`)
      t.is(new URL(page.url()).pathname, '/account/login', 'user:disable ends it at once')
    } finally {
      await context.close()
    }
  })

  each('forms refuse a missing CSRF token; pages carry the strict CSP with only Heimdall\'s script', async (t, { server, origin }) => {
    const email = uniqueEmail('browser-csrf')
    await server.client.register(email, TEST_PASSWORD)
    const context = await browser.newContext()
    const page = await context.newPage()
    try {
      const login = await page.goto(`${origin}/account/login`)
      const csp = login!.headers()['content-security-policy']
      t.regex(csp, /default-src 'none'/)
      t.regex(csp, /script-src 'self'/)
      t.notRegex(csp, /unsafe-inline/)
      await signInWithPassword(page, origin, email)
      const forged = await context.request.post(`${origin}/account/sessions/revoke-others`, { form: { csrf_token: 'forged' }, maxRedirects: 0 })
      t.is(forged.status(), 403)
      t.is((await server.client.http.get('account', { followRedirect: false, responseType: 'text' })).statusCode, 303, 'no cookie: off to sign in')
      const api = await server.client.loginTokens(email, TEST_PASSWORD)
      t.deepEqual(claimsOf(api.accessToken).amr, ['pwd'])
    } finally {
      await context.close()
    }
  })
}
