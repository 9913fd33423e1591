// The groundwork every hosted page stands on (src/http/pages): the shared layout, escaping by the
// template engine, the page headers (strict CSP, no Referer, no caching), form bodies, labelled fields
// with their own errors, and the signed double-submit CSRF token. A small demo page is built with the
// toolkit exactly as a real page is, served over HTTP behind the real middleware, and driven both by
// raw requests and by headless Chromium (no JavaScript needed, nothing loaded from elsewhere).
import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { createServer, type Server } from 'node:http'
import Router from '@koa/router'
import test from 'ava'
import got from 'got'
import Koa from 'koa'
import type { Browser } from 'playwright-core'
import { HeimdallError, validationError } from '../../../src/errors.js'
import { koaErrorHandler } from '../../../src/http/middleware/koa-error-handler.js'
import { koaJsonBody } from '../../../src/http/middleware/koa-json-body.js'
import { koaResponseHeaders } from '../../../src/http/middleware/koa-response-headers.js'
import { CSRF_COOKIE, CSRF_FIELD } from '../../../src/http/pages/csrf.js'
import { fieldErrorsOf, formField, formView, type FormFieldSpec } from '../../../src/http/pages/form.js'
import { createPages, PAGE_CSP, postedForm, type Pages } from '../../../src/http/pages/pages.js'
import { STYLESHEET_PATH } from '../../../src/http/pages/styles.js'
import { browserAvailable, launchBrowser } from '../../support/browser.js'
import { backends } from '../../support/db.js'
import { startTestServer, type TestServer } from '../../support/server.js'

const DEMO_PATH = '/account/demo'
/** Marks the requests of one client, so a test counts only its own: ava runs this file's tests concurrently against one demo server. */
const CLIENT_HEADER = 'x-test-client'
/** One request the demo page saw: its method, its Referer, and which test client sent it. */
type Received = { method: string; referer: string | undefined; client: string | undefined }
/** What these tests read of the page's window (the tests compile without the DOM library). */
type BrowserWindow = { getComputedStyle(element: unknown): { backgroundColor: string } }
const FIELDS: FormFieldSpec[] = [
  { name: 'display_name', label: 'Display name', type: 'text', autocomplete: 'nickname', required: true },
  { name: 'password', label: 'Current password', type: 'password', autocomplete: 'current-password', required: true, hint: 'The one you signed in with' },
]

/** A page as a capability would write one: GET shows the form, POST checks CSRF and fields. */
function demoPage(pages: Pages, received: Received[]): void {
  pages.engine.define({ '@demo': `<% layout('@layout') %><p>Change how you are called.</p><%~ include('@form', it.form) %>` })
  const render = (ctx: Koa.ParameterizedContext, values: Record<string, string>, errors: Record<string, string[]> = {}, status = 200) =>
    pages.render(ctx, '@demo', {
      title: 'Your name',
      form: formView({
        action: DEMO_PATH,
        submit: 'Save',
        fields: FIELDS,
        values,
        errors,
        error: errors['']?.join(' '),
        hidden: { token: String(ctx.query.token ?? values.token ?? '') },
        csrfField: CSRF_FIELD,
        csrfToken: pages.csrf.issue(ctx),
      }),
    }, status)
  pages.page(DEMO_PATH, {
    budget: { none: 'a demonstration form that checks nothing' },
    get: (ctx) => {
      received.push({ method: 'GET', referer: ctx.get('referer') || undefined, client: ctx.get(CLIENT_HEADER) || undefined })
      render(ctx, {})
    },
    post: (ctx) => {
      received.push({ method: 'POST', referer: ctx.get('referer') || undefined, client: ctx.get(CLIENT_HEADER) || undefined })
      const form = postedForm(ctx)
      pages.csrf.verify(ctx, formField(form, CSRF_FIELD))
      const values = { display_name: formField(form, 'display_name'), token: formField(form, 'token') }
      const problems = [
        ...(values.display_name.trim() === '' ? [{ loc: ['body', 'name'], msg: 'Say what you want to be called', type: 'missing' }] : []),
        ...(formField(form, 'password') !== 'right' ? [{ loc: ['body', 'password'], msg: 'That is not your password', type: 'value_error' }] : []),
        ...(values.token !== 'abc' ? [{ loc: ['body', 'token'], msg: 'The link is not valid', type: 'value_error' }] : []),
      ]
      if (problems.length > 0) return render(ctx, values, fieldErrorsOf(pages.t(ctx), validationError(problems), FIELDS.map((f) => f.name), { name: 'display_name' }), 422)
      pages.render(ctx, '@message', { title: 'Saved', tone: 'success', message: `You are now called ${values.display_name}.` })
    },
  })
  pages.page('/account/broken', { get: () => Promise.reject(new Error('database password is hunter2')) })
  pages.page('/account/refused', { get: () => Promise.reject(new HeimdallError('auth.locked', 'Too many attempts <b>now</b>')) })
}

let server: TestServer
let demo: Server
let demoUrl: string
const received: Received[] = []

test.before(async () => {
  server = await startTestServer(backends()[0])
  const app = new Koa()
  const router = new Router()
  const pages = createPages(router, server.context)
  demoPage(pages, received)
  app.use(koaResponseHeaders())
  app.use(koaErrorHandler(new Set(), pages))
  app.use(koaJsonBody({ formPaths: pages.formPaths }))
  app.use(router.routes())
  app.on('error', () => {})
  demo = createServer(app.callback())
  await new Promise<void>((resolve) => demo.listen(0, '127.0.0.1', resolve))
  demoUrl = `http://127.0.0.1:${(demo.address() as AddressInfo).port}`
})

test.after.always(async () => {
  await new Promise((resolve) => demo?.close(resolve))
  await server?.close()
})

const http = got.extend({ throwHttpErrors: false, retry: { limit: 0 }, followRedirect: false })

/** The CSRF cookie and form token of a fresh GET of the demo page. */
async function freshForm(): Promise<{ cookie: string; token: string; html: string }> {
  const page = await http.get(`${demoUrl}${DEMO_PATH}?token=abc`)
  const setCookie = page.headers['set-cookie']?.find((line) => line.startsWith(`${CSRF_COOKIE}=`)) ?? ''
  const token = new RegExp(`name="${CSRF_FIELD}" value="([^"]+)"`).exec(page.body)?.[1] ?? ''
  return { cookie: setCookie.split(';')[0], token, html: page.body }
}

test('the stylesheet and an unknown page come from Heimdall itself, as a page with the page headers', async (t) => {
  const css = await http.get(`${server.url}${STYLESHEET_PATH}`)
  t.is(css.statusCode, 200)
  t.regex(String(css.headers['content-type']), /^text\/css/)
  t.notRegex(css.body, /@import|url\(/, 'the stylesheet loads nothing else')

  const missing = await http.get(`${server.url}/account/no-such-page?token=secret`)
  t.is(missing.statusCode, 404)
  t.regex(String(missing.headers['content-type']), /^text\/html/)
  t.is(missing.headers['content-security-policy'], PAGE_CSP)
  t.is(missing.headers['referrer-policy'], 'no-referrer')
  t.regex(missing.body, /<title>Page not found · Heimdall<\/title>/)
  t.regex(missing.body, new RegExp(`<link rel="stylesheet" href="${STYLESHEET_PATH}">`))
  t.false(missing.body.includes('secret'), 'the address is not echoed')

  const api = await http.get(`${server.url}/auth/no-such-route`, { responseType: 'json' })
  t.deepEqual(api.body, { error: 'Not found', status_code: 404, path: '/auth/no-such-route', code: 'route.not_found' }, 'the API still answers JSON')
})

test('a page: strict CSP, no Referer, no caching, one layout, labelled fields, an HttpOnly SameSite cookie', async (t) => {
  const page = await http.get(`${demoUrl}${DEMO_PATH}?token=abc`)
  t.is(page.statusCode, 200)
  t.is(page.headers['content-security-policy'], PAGE_CSP)
  t.regex(PAGE_CSP, /default-src 'none'/)
  t.notRegex(PAGE_CSP, /unsafe-inline|unsafe-eval|\*/)
  t.is(page.headers['referrer-policy'], 'no-referrer')
  t.is(page.headers['cache-control'], 'no-store')
  t.is(page.headers['x-frame-options'], 'DENY')
  t.regex(page.body, /<meta name="referrer" content="no-referrer">/)
  t.notRegex(page.body, /<script|style=|<style|https?:\/\//, 'no script, no inline style, no external address')
  for (const field of FIELDS) {
    t.regex(page.body, new RegExp(`<label for="field-${field.name}">${field.label}</label>`))
    t.regex(page.body, new RegExp(`<input id="field-${field.name}" name="${field.name}" type="${field.type}"`))
  }
  t.regex(page.body, /aria-describedby="field-password-hint"/)
  const cookie = page.headers['set-cookie']?.find((line) => line.startsWith(`${CSRF_COOKIE}=`))
  t.regex(String(cookie), /; Path=\/; HttpOnly; SameSite=Strict$/, 'not Secure on an http public URL')
})

test('values are escaped by the engine; password fields are never echoed; errors go next to their field', async (t) => {
  const { cookie, token } = await freshForm()
  const hostile = `"><script>alert(1)</script>`
  const posted = await http.post(`${demoUrl}${DEMO_PATH}`, { headers: { cookie }, form: { [CSRF_FIELD]: token, display_name: hostile, password: 'wrong<&>', token: 'abc' } })
  t.is(posted.statusCode, 422)
  t.false(posted.body.includes('<script>alert(1)'), 'the raw value never reaches the HTML')
  t.true(posted.body.includes('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"'), 'it comes back escaped, in the field')
  t.false(posted.body.includes('wrong&lt;&amp;&gt;'), 'the password is not echoed')
  // The first field at fault takes the focus (autofocus: the browser scrolls to it, no script needed).
  t.regex(posted.body, /aria-describedby="field-password-hint field-password-error" aria-invalid="true" autofocus>\s*<p class="hint"[^>]*>[^<]*<\/p>\s*<ul class="field-errors" id="field-password-error"><li>That is not your password<\/li><\/ul>/)
  t.notRegex(posted.body, /id="field-display_name-error"/, 'a field without errors has none')

  const unmapped = await http.post(`${demoUrl}${DEMO_PATH}`, { headers: { cookie }, form: { [CSRF_FIELD]: token, display_name: 'Ada', password: 'right', token: 'forged' } })
  t.regex(unmapped.body, /<p class="form-error" role="alert" tabindex="-1" autofocus>The link is not valid<\/p>/, 'an error of no visible field is shown above the form')
})

test('CSRF: no cookie, another cookie, a forged or missing field are refused with a 403 page; the right pair passes', async (t) => {
  const first = await freshForm()
  const second = await freshForm()
  t.not(first.cookie, second.cookie)
  const post = (cookie: string | undefined, csrf: string | undefined) =>
    http.post(`${demoUrl}${DEMO_PATH}`, {
      headers: cookie ? { cookie } : {},
      form: { ...(csrf === undefined ? {} : { [CSRF_FIELD]: csrf }), display_name: 'Ada', password: 'right', token: 'abc' },
    })
  for (const [cookie, csrf, why] of [
    [undefined, first.token, 'no cookie'],
    [second.cookie, first.token, "another browser's cookie"],
    [first.cookie, undefined, 'no field'],
    [first.cookie, `${first.token.slice(0, -2)}AA`, 'a forged field'],
    [`${CSRF_COOKIE}=../../etc`, first.token, 'a malformed cookie'],
  ] as const) {
    const refused = await post(cookie, csrf)
    t.is(refused.statusCode, 403, why)
    t.regex(refused.body, /This form has expired or was not sent from this site/, why)
    t.is(refused.headers['content-security-policy'], PAGE_CSP, why)
  }
  const accepted = await post(first.cookie, first.token)
  t.is(accepted.statusCode, 200)
  t.regex(accepted.body, /You are now called Ada\./)
})

test('form bodies only: JSON is refused with a 415 page; an oversized body with a 413 page; a crash shows no internals', async (t) => {
  const { cookie, token } = await freshForm()
  const json = await http.post(`${demoUrl}${DEMO_PATH}`, { headers: { cookie }, json: { [CSRF_FIELD]: token } })
  t.is(json.statusCode, 415)
  t.regex(String(json.headers['content-type']), /^text\/html/)
  const huge = await http.post(`${demoUrl}${DEMO_PATH}`, { headers: { cookie }, form: { display_name: 'x'.repeat(70 * 1024) } })
  t.is(huge.statusCode, 413)
  t.regex(String(huge.headers['content-type']), /^text\/html/)
  const broken = await http.get(`${demoUrl}/account/broken`)
  t.is(broken.statusCode, 500)
  t.false(broken.body.includes('hunter2'))
  t.regex(broken.body, /Something went wrong on our side/)
  const refused = await http.get(`${demoUrl}/account/refused`)
  t.is(refused.statusCode, 429)
  t.true(refused.body.includes('Too many attempts &lt;b&gt;now&lt;/b&gt;'), 'error messages are escaped too')
})

if (browserAvailable('the page toolkit')) {
  let browser: Browser
  test.before(async () => {
    browser = await launchBrowser()
  })
  test.after.always(async () => {
    await browser?.close()
  })

  test('in Chromium without JavaScript: styled under the CSP, errors beside the field, no Referer, the form posts', async (t) => {
    // The other tests of this file hit the same demo page at the same time (ava runs them concurrently, and
    // under CI load they overlap this one): count only the requests this browser context sent.
    const client = randomUUID()
    const context = await browser.newContext({ javaScriptEnabled: false, extraHTTPHeaders: { [CLIENT_HEADER]: client } })
    const page = await context.newPage()
    const consoleMessages: string[] = []
    const requested: string[] = []
    page.on('console', (message) => consoleMessages.push(message.text()))
    page.on('request', (request) => requested.push(request.url()))
    try {
      await page.goto(`${demoUrl}${DEMO_PATH}?token=abc`)
      t.is(await page.title(), 'Your name · Heimdall')
      const button = await page.getByRole('button', { name: 'Save' }).evaluate((element) => (globalThis as unknown as BrowserWindow).getComputedStyle(element).backgroundColor)
      t.is(button, 'rgb(49, 87, 213)', 'the stylesheet applied: the CSP lets Heimdall\'s own stylesheet in')

      await page.getByLabel('Display name').fill('Ada <Lovelace>')
      await page.getByLabel('Current password').fill('wrong')
      await page.getByRole('button', { name: 'Save' }).click()
      await page.waitForURL(`${demoUrl}${DEMO_PATH}`)
      const passwordField = page.getByLabel('Current password')
      t.is(await passwordField.getAttribute('aria-invalid'), 'true')
      t.is(await page.locator('#field-password-error').innerText(), 'That is not your password')
      t.is(await page.getByLabel('Display name').inputValue(), 'Ada <Lovelace>', 'what was typed is kept')
      t.is(await passwordField.inputValue(), '', 'but not the password')

      await passwordField.fill('right')
      await page.getByRole('button', { name: 'Save' }).click()
      t.is(await page.getByRole('status').innerText(), 'You are now called Ada <Lovelace>.')

      const mine = received.filter((request) => request.client === client)
      t.deepEqual(mine.map((request) => request.method), ['GET', 'POST', 'POST'])
      t.true(mine.every((request) => request.referer === undefined), 'no request carried a Referer (the address had ?token=)')
      t.deepEqual([...new Set(requested.map((url) => new URL(url).origin))], [demoUrl], 'nothing requested from anywhere else')
      t.deepEqual(consoleMessages.filter((text) => /Content Security Policy|Refused/i.test(text)), [], 'no CSP violation')
    } finally {
      await context.close()
    }
  })
}
