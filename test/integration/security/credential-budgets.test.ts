// Every door that checks a credential spends a per-IP budget (HEIMDALL_RATE_LIMIT_PER_MINUTE), and a
// page spends its API twin's (docs/security.md): the hosted sign-in page (also the OpenID sign-in
// step) cannot be used to reach bcrypt more often than POST /auth/login. The walk takes every POST
// route and page from the app as it is built (describePostRoutes: the routers' own lists, the pages,
// the OpenID interaction pages), so a new one without a declaration fails it (app.ts refuses to build),
// and proves each declared budget is enforced: a page answers a spent budget with a page, the API
// with JSON, both 429 with Retry-After. One OpenID-enabled server per backend.
import test from 'ava'
import { describePostRoutes } from '../../../src/http/app.js'
import { createOidcHost } from '../../../src/http/oidc/mount.js'
import { backends } from '../../support/db.js'
import { startOidcServer, type OidcServer } from '../../support/oidc.js'
import { FormBrowser, formsOf } from '../../support/oidc-http-sign-in.js'
import { TEST_PASSWORD, uniqueEmail } from '../../support/server.js'

const LIMIT = 5
const servers = new Map<string, OidcServer>()

test.before(async () => {
  for (const backend of backends()) {
    // Behind one trusted proxy: each test speaks from addresses of its own (X-Forwarded-For), so the budgets do not mix.
    servers.set(backend, await startOidcServer(backend, { HEIMDALL_RATE_LIMIT_PER_MINUTE: String(LIMIT), HEIMDALL_TRUSTED_PROXIES: '1' }))
  }
})
test.after.always(async () => {
  for (const server of servers.values()) await server.close()
})

let lastOctet = 0
/** An address no other request of this file uses. */
const freshIp = () => `198.51.100.${++lastOctet}`

for (const backend of backends()) {
  test(`eight sign-ins on the hosted sign-in page for eight emails from one address: 429 from the sixth, as page, before bcrypt [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const ip = freshIp()
    const browser = new FormBrowser()
    const statuses: number[] = []
    let refused: Response | undefined
    for (let attempt = 0; attempt < 8; attempt++) {
      const page = await browser.request(`${server.url}/account/login`, { headers: { 'x-forwarded-for': ip } })
      const form = formsOf(await page.text()).find((candidate) => candidate.action === '/account/login')!
      const answer = await browser.request(`${server.url}/account/login`, { form: { ...form.fields, email: uniqueEmail('budget'), password: TEST_PASSWORD }, headers: { 'x-forwarded-for': ip } })
      statuses.push(answer.status)
      if (answer.status === 429) refused ??= answer
      else await answer.arrayBuffer()
    }
    t.deepEqual(statuses, [400, 400, 400, 400, 400, 429, 429, 429])
    t.regex(refused!.headers.get('content-type') ?? '', /^text\/html/, 'a page, not JSON')
    t.true(Number(refused!.headers.get('retry-after')) >= 1)
    const words = await refused!.text()
    t.regex(words, /too many attempts from your network\. Wait \d+ seconds?, then try again\./, 'words people read')
    t.notRegex(words, /\/auth\//, 'no endpoint names on a page')
    // The page and the API are two doors to one budget: the API is spent too.
    const api = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify({ email: uniqueEmail('api'), password: TEST_PASSWORD }) })
    t.is(api.status, 429)
  })

  test(`every POST route and page declares its budget, and every declared budget is enforced: 429 after ${LIMIT} [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const routes = describePostRoutes(server.context, createOidcHost(server.context))
    const paths = routes.map((route) => route.path)
    // The walk sees the pages, the OpenID interaction pages and the API alike.
    for (const expected of ['/auth/login', '/account/login', '/account/oidc/consent']) t.true(paths.includes(expected), expected)
    // The credential-checking pages of issue 20 (password, code, passkey, re-authentication) spend their API twin's budget.
    const spends = Object.fromEntries(routes.map((route) => [route.path, route.spends]))
    t.like(spends, {
      '/account/login': '/auth/login',
      '/account/login/mfa': '/auth/login/mfa',
      '/account/login/passkey': '/auth/passkeys/login/verify',
      '/account/sign-in/link': '/auth/login',
      '/account/sign-in/link/passkey': '/auth/passkeys/login/verify',
      '/account/totp/setup': '/auth/mfa/totp/setup',
      '/account/totp/confirm': '/auth/mfa/totp/confirm',
      '/account/totp/disable': '/auth/mfa/totp/disable',
      '/account/recovery-codes': '/auth/mfa/recovery-codes',
      '/account/enrol/totp': '/auth/mfa/totp/setup',
      '/account/enrol/totp/confirm': '/auth/mfa/totp/confirm',
      '/account/password': '/account/password',
      '/account/forgot-password': '/auth/password/forgot',
      '/account/reset-password': '/auth/password/reset',
    })
    for (const route of routes) t.true(route.spends !== undefined || (route.none ?? '').length > 0, `${route.path}: a budget, or why none`)

    for (const route of routes.filter((candidate) => candidate.spends !== undefined)) {
      const ip = freshIp()
      const post = () =>
        fetch(`${server.url}${route.path}`, route.page
          ? { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': ip }, body: '', redirect: 'manual' }
          : { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: '{}', redirect: 'manual' })
      const statuses: number[] = []
      let last: Response | undefined
      for (let attempt = 0; attempt <= LIMIT; attempt++) {
        last = await post()
        statuses.push(last.status)
        if (attempt < LIMIT) await last.arrayBuffer()
      }
      t.false(statuses.slice(0, LIMIT).includes(429), `${route.path}: within the budget ${statuses.join(' ')}`)
      t.is(statuses[LIMIT], 429, `${route.path}: over the budget of ${route.spends}`)
      t.regex(last!.headers.get('content-type') ?? '', route.page ? /^text\/html/ : /^application\/json/, `${route.path}: ${route.page ? 'a page' : 'JSON'}`)
      await last!.arrayBuffer()
    }
  })

  test(`the provider's code entry page (POST /oidc/device) answers a spent budget to a browser with a page, to other clients with the OAuth error [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const ip = freshIp()
    const browser = new FormBrowser()
    const html = { 'x-forwarded-for': ip, accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }
    const page = await browser.request(`${server.issuer}/device`, { headers: html })
    const form = formsOf(await page.text())[0]
    for (let attempt = 0; attempt < LIMIT; attempt++) {
      const answer = await browser.request(`${server.issuer}/device`, { form: { ...form.fields, user_code: 'BCDF-GHJK' }, headers: html })
      t.not(answer.status, 429)
      await answer.arrayBuffer()
    }
    const refused = await browser.request(`${server.issuer}/device`, { form: { ...form.fields, user_code: 'BCDF-GHJK' }, headers: html })
    t.is(refused.status, 429)
    t.regex(refused.headers.get('content-type') ?? '', /^text\/html/)
    t.true(Number(refused.headers.get('retry-after')) >= 1)
    t.regex(await refused.text(), /too many attempts from your network/)
    const json = await browser.request(`${server.issuer}/device`, { form: { ...form.fields, user_code: 'BCDF-GHJK' }, headers: { 'x-forwarded-for': ip } })
    t.is(json.status, 429)
    t.like(await json.json(), { error: 'temporarily_unavailable' })
  })
}
