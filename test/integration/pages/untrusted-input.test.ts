// What a browser sends the account pages is not to be trusted: a cookie or query value that is
// malformed (bad percent-encoding, not the shape Heimdall writes) is ignored, never a 500. Over HTTP
// with a cookie jar; one Heimdall per backend for the file.
import test from 'ava'
import { ACCOUNT_COOKIE, ENROLMENT_COOKIE } from '../../../src/http/pages/account/cookie.js'
import { CSRF_COOKIE } from '../../../src/http/pages/csrf.js'
import { registerUser } from '../../../src/usecases/users/register-user.js'
import { backends } from '../../support/db.js'
import { formsOf, FormBrowser } from '../../support/oidc-http-sign-in.js'
import { startTestServer, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'

const servers = new Map<string, TestServer>()

test.before(async () => {
  for (const backend of backends()) servers.set(backend, await startTestServer(backend))
})
test.after.always(async () => {
  for (const server of servers.values()) await server.close()
})

/** Cookie values a browser may hold: bad percent-encoding, a lone %, a quote, an encoded path elsewhere, a very long one. */
const BAD_VALUES = ['%E0%A4%A', '%', '%ZZ', '"%E0"', '%2F%2Fevil.example.com', 'x'.repeat(3000)]

/** The sign-in page's form, filled in, posted; answers the response (not followed). */
async function postSignIn(server: TestServer, browser: FormBrowser, email: string): Promise<Response> {
  const page = await browser.request(`${server.url}/account/login`)
  const form = formsOf(await page.text()).find((candidate) => 'password' in candidate.fields)!
  return browser.request(new URL(form.action, server.url).href, { form: { ...form.fields, email, password: TEST_PASSWORD } })
}

for (const backend of backends()) {
  test(`a malformed heimdall_return_to cookie is ignored: the sign-in goes to /account and forgets it [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const email = uniqueEmail('return-to')
    await registerUser(server.context, { email, password: TEST_PASSWORD })
    for (const value of BAD_VALUES) {
      const browser = new FormBrowser()
      browser.setCookie('heimdall_return_to', value, '/account')
      const answer = await postSignIn(server, browser, email)
      t.is(answer.status, 303, value.slice(0, 20))
      t.is(answer.headers.get('location'), '/account')
      t.true(answer.headers.getSetCookie().some((line) => line.startsWith('heimdall_return_to=;')), 'and the cookie is cleared')

      // Signed in already: the sign-in page sends the browser on, to /account as well.
      browser.setCookie('heimdall_return_to', value, '/account')
      const again = await browser.request(`${server.url}/account/login`)
      t.is(again.status, 302)
      t.is(again.headers.get('location'), '/account')
    }
  })

  test(`malformed account, CSRF and enrolment cookies are ignored: sign in again, a fresh CSRF cookie, a 403 on a stale form [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    for (const value of BAD_VALUES) {
      const browser = new FormBrowser()
      browser.setCookie(ACCOUNT_COOKIE, value)
      browser.setCookie(CSRF_COOKIE, value)
      browser.setCookie(ENROLMENT_COOKIE, value, '/account')
      const account = await browser.request(`${server.url}/account`)
      t.is(account.status, 303, value.slice(0, 20))
      t.is(account.headers.get('location'), '/account/login')
      const enrol = await browser.request(`${server.url}/account/enrol`)
      t.is(enrol.status, 303)
      t.is(enrol.headers.get('location'), '/account/login')

      browser.setCookie(CSRF_COOKIE, value)
      const login = await browser.request(`${server.url}/account/login`)
      t.is(login.status, 200)
      t.true(login.headers.getSetCookie().some((line) => line.startsWith(`${CSRF_COOKIE}=`)), 'a new CSRF cookie replaces the bad one')

      const stale = new FormBrowser()
      stale.setCookie(CSRF_COOKIE, value)
      const posted = await stale.request(`${server.url}/account/login`, { form: { csrf_token: value, email: 'a@example.com', password: 'x' } })
      t.is(posted.status, 403)
    }
  })

  test(`/account?done= names a notice only by its own key: constructor, __proto__, toString show none [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const email = uniqueEmail('notice')
    await registerUser(server.context, { email, password: TEST_PASSWORD })
    const browser = new FormBrowser()
    t.is((await postSignIn(server, browser, email)).status, 303)
    const noticeOf = async (done: string) => {
      const page = await browser.request(`${server.url}/account?done=${encodeURIComponent(done)}`)
      t.is(page.status, 200, done)
      const html = await page.text()
      t.false(html.includes('[native code]'), done)
      return /<p class="notice success" role="status">([^<]*)<\/p>/.exec(html)?.[1]
    }
    t.is(await noticeOf('password'), 'Your password is changed. Your other sessions are signed out.')
    for (const done of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']) t.is(await noticeOf(done), undefined, done)
  })
}
