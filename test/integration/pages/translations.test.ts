// The pages and mails in another language (issue 27, docs/pages.md "Translations"), in headless
// Chromium against a real server per database with a real SMTP server: German chosen by the
// browser's Accept-Language (html lang, the words, axe-core in light and dark mode, nothing wider
// than a phone), the user's own choice on the account page winning over the browser for the pages
// and the mails, and a language an operator added by dropping a catalogue into HEIMDALL_LOCALES_DIR.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import test, { type ExecutionContext } from 'ava'
import { closePageTargets, eachBackend, startPageTargets, type PageTarget } from '../../support/each-backend.js'
import type { Browser, Page } from 'playwright-core'
import { assertAccessible } from '../../support/axe.js'
import { browserAvailable, withPage, launchBrowser } from '../../support/browser.js'
import type { Backend } from '../../support/db.js'
import { TEST_PASSWORD, uniqueEmail } from '../../support/server.js'
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp.js'

const PHONE = { width: 390, height: 844 }
const DESKTOP = { width: 1280, height: 900 }
const GERMAN = { 'Accept-Language': 'de-DE,de;q=0.9,en;q=0.5' }
const ENGLISH = { 'Accept-Language': 'en-GB,en;q=0.9' }

if (browserAvailable('The translated pages')) {
  type Target = PageTarget
  const targets = new Map<Backend, Target>()
  let browser: Browser
  let smtp: TestSmtpServer
  const locales = mkdtempSync(join(tmpdir(), 'heimdall-locales-'))
  // An operator's language: two texts; everything else falls back to English.
  writeFileSync(join(locales, 'fr.json'), JSON.stringify({ 'login.title': 'Se connecter', 'login.submit': 'Connexion' }))

  test.before(async () => {
    smtp = await startSmtpServer()
    ;[browser] = await Promise.all([launchBrowser(), startPageTargets(targets, { HEIMDALL_SMTP_URL: smtp.url, HEIMDALL_MAIL_POLL_MS: '100', HEIMDALL_LOCALES_DIR: locales })])
  })
  test.after.always(async () => {
    await browser?.close()
    await closePageTargets(targets)
    await smtp?.close()
    rmSync(locales, { recursive: true, force: true })
  })

  const each = (title: string, run: (t: ExecutionContext, target: Target) => Promise<void>) => eachBackend(targets, title, run)

  /** Whether the page is wider than its viewport (something overflows sideways). */
  async function overflows(page: Page): Promise<boolean> {
    return page.evaluate(() => {
      const scope = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number }
      return scope.document.documentElement.scrollWidth > scope.innerWidth
    })
  }

  /** The page's language, its heading, axe in light and dark mode, and no sideways scrolling at phone width. */
  async function checkPage(t: ExecutionContext, page: Page, what: string, heading: string): Promise<void> {
    t.is(await page.locator('html').getAttribute('lang'), 'de', `${what}: html lang`)
    t.is(await page.locator('h1').textContent(), heading, what)
    await assertAccessible(t, page, `${what} (de)`)
    await page.setViewportSize(PHONE)
    t.false(await overflows(page), `${what} (de) at 390 px: nothing wider than the screen`)
    if (process.env.HEIMDALL_TEST_SHOTS) await page.screenshot({ path: join(process.env.HEIMDALL_TEST_SHOTS, `${what.replace(/\W+/g, '-')}-390.png`), fullPage: true })
    await page.setViewportSize(DESKTOP)
    if (process.env.HEIMDALL_TEST_SHOTS) await page.screenshot({ path: join(process.env.HEIMDALL_TEST_SHOTS, `${what.replace(/\W+/g, '-')}-1280.png`), fullPage: true })
  }

  each('Accept-Language de: registration, its mail, sign-in and the account page in German, accessible light and dark', async (t, { origin }) => {
    const email = uniqueEmail('i18n-de')
    await withPage(await browser.newContext({ viewport: DESKTOP, extraHTTPHeaders: GERMAN }), async (page) => {
      await page.goto(`${origin}/account/login`)
      await checkPage(t, page, 'sign-in', 'Anmelden')
      t.true(await page.getByRole('link', { name: 'Passwort vergessen?' }).isVisible())

      await page.getByRole('link', { name: 'Konto erstellen' }).click()
      await checkPage(t, page, 'registration', 'Konto erstellen')
      t.regex((await page.locator('#field-password-hint').textContent())!, /^Mindestens 8 Zeichen/)
      await page.getByLabel('E-Mail').fill(email)
      await page.getByLabel('Passwort').fill('kurz')
      await page.locator('#form-register').evaluate((form) => form.setAttribute('novalidate', ''))
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Konto erstellen' }).click()])
      t.regex((await page.locator('#form-register .field-errors').textContent())!, /Das Passwort muss mindestens 8 Zeichen lang sein/)
      await checkPage(t, page, 'registration with an error', 'Konto erstellen')
      await page.getByLabel('Passwort').fill(TEST_PASSWORD)
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Konto erstellen' }).click()])
      t.is(await page.locator('h1').textContent(), 'Sehen Sie in Ihr Postfach')

      // Queued by a German page for a user without a choice: the mail is German too.
      const [mail] = await smtp.mailsTo(email, (received) => received.subject === 'Bestätigen Sie Ihre E-Mail-Adresse')
      t.regex(mail.text, new RegExp(`Bestätigen Sie, dass ${email.replace(/[.+]/g, '\\$&')} Ihre Adresse ist: Öffnen Sie diesen Link innerhalb von \\d+ (Minuten?|Stunden?|Tag|Tagen)`))
      t.regex(mail.html, /<html lang="de">/)

      await page.goto(`${origin}/account/login`)
      await page.getByLabel('E-Mail').fill(email)
      await page.getByLabel('Passwort').fill(TEST_PASSWORD)
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Anmelden', exact: true }).click()])
      await checkPage(t, page, 'account', 'Ihr Konto')
      t.deepEqual(await page.locator('main h2').allTextContents(), ['Profil', 'Sicherheit', 'Sitzungen'])
      t.is(await page.locator('#profile-title + p .status').textContent(), 'Nicht bestätigt')
    })
  })

  each('the user\'s own language wins over the browser\'s, for the pages and for the mails sent to them', async (t, { server, origin }) => {
    const email = uniqueEmail('i18n-choice')
    await server.client.register(email, TEST_PASSWORD)
    await withPage(await browser.newContext({ viewport: DESKTOP, extraHTTPHeaders: ENGLISH }), async (page) => {
      await page.goto(`${origin}/account/login`)
      t.is(await page.locator('html').getAttribute('lang'), 'en')
      await page.getByLabel('Email').fill(email)
      await page.getByLabel('Password').fill(TEST_PASSWORD)
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in', exact: true }).click()])
      t.is(await page.locator('h1').textContent(), 'Your account')

      await page.getByLabel('Language of these pages and of your mails').selectOption('de')
      await Promise.all([page.waitForURL(/done=language/), page.getByRole('button', { name: 'Save the language' }).click()])
      t.is(await page.getByRole('status').first().textContent(), 'Die Sprache ist gespeichert: Seiten und E-Mails verwenden sie ab jetzt.')
      await checkPage(t, page, 'account after choosing German', 'Ihr Konto')
      t.is(await page.getByLabel('Sprache dieser Seiten und Ihrer E-Mails').inputValue(), 'de')

      // A reset asked through the API (no page, no language of its own): the user's choice decides.
      const asked = await server.client.post('auth/password/forgot', { email })
      t.is(asked.statusCode, 202)
      const [mail] = await smtp.mailsTo(email, (received) => received.subject === 'Passwort zurücksetzen')
      t.regex(mail.text, /Jemand \(hoffentlich Sie\) hat darum gebeten/)
      t.regex(mail.text, /innerhalb von \d+ (Minuten?|Stunden?)/)

      // Another browser, asking for English, without the cookie: signed in, the user's choice decides.
      await withPage(await browser.newContext({ viewport: DESKTOP, extraHTTPHeaders: ENGLISH }), async (elsewhere) => {
        await elsewhere.goto(`${origin}/account/login`)
        t.is(await elsewhere.locator('h1').textContent(), 'Sign in')
        await elsewhere.getByLabel('Email').fill(email)
        await elsewhere.getByLabel('Password').fill(TEST_PASSWORD)
        await Promise.all([elsewhere.waitForNavigation(), elsewhere.getByRole('button', { name: 'Sign in', exact: true }).click()])
        t.is(await elsewhere.locator('html').getAttribute('lang'), 'de')
        t.is(await elsewhere.locator('h1').textContent(), 'Ihr Konto')
      })

      // Signed out, this browser keeps the choice (its cookie), although it asks for English.
      await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Abmelden', exact: true }).last().click()])
      t.is(await page.locator('html').getAttribute('lang'), 'de')
      t.is(await page.locator('h1').textContent(), 'Anmelden')
    })
  })

  each('a catalogue dropped into HEIMDALL_LOCALES_DIR serves its language (?lang=fr, then its cookie), English for the keys it lacks', async (t, { origin }) => {
    await withPage(await browser.newContext({ viewport: DESKTOP, extraHTTPHeaders: ENGLISH }), async (page) => {
      await page.goto(`${origin}/account/login?lang=fr`)
      t.is(await page.locator('html').getAttribute('lang'), 'fr')
      t.is(await page.locator('h1').textContent(), 'Se connecter')
      t.true(await page.getByRole('button', { name: 'Connexion' }).isVisible())
      t.true(await page.getByRole('link', { name: 'Forgot password?' }).isVisible(), 'a key fr.json lacks: English')
      await page.goto(`${origin}/account/forgot-password`)
      t.is(await page.locator('html').getAttribute('lang'), 'fr', 'the choice is remembered')
      // Accept-Language alone never finds it for a browser that does not ask: English stays the default.
      await page.context().clearCookies()
      await page.goto(`${origin}/account/login`)
      t.is(await page.locator('html').getAttribute('lang'), 'en')
    })
  })
}
