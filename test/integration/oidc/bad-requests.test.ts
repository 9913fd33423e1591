// Bad requests to the pages of the OpenID Connect provider and of its interactions get a 4xx answer,
// never a 500: no cookie at all (a bot, a link opened elsewhere), garbage cookies (forged, or signed
// with a key long gone), a browser in the middle of a sign-in sending a missing or garbage xsrf or
// CSRF token, and a garbage interaction uid. Browsers get a Heimdall page (its CSP, no stack trace),
// other clients the provider's JSON error. Over plain HTTP, one Heimdall per backend.
import test, { type ExecutionContext } from 'ava'
import { PAGE_CSP } from '../../../src/http/pages/pages.js'
import { backends } from '../../support/db.js'
import { type OidcServer, oidcServersForFile } from '../../support/oidc.js'
import { authorizationRequest, FormBrowser, formsOf, relyingParty } from '../../support/oidc-http-sign-in.js'
import { TEST_PASSWORD } from '../../support/server.js'

const servers = oidcServersForFile()

interface Probe {
  method: 'GET' | 'POST'
  path: string
  form?: Record<string, string>
}

const GARBAGE = 'Z'.repeat(43)

/** Requests a page would never send: no or garbage xsrf / CSRF tokens, made-up uids, unknown paths. */
const PROBES: Probe[] = [
  { method: 'POST', path: '/oidc/device', form: { user_code: 'BCDF-GHJK' } },
  { method: 'POST', path: '/oidc/device', form: { user_code: 'BCDF-GHJK', xsrf: GARBAGE } },
  { method: 'POST', path: '/oidc/device', form: { user_code: 'BCDF-GHJK', xsrf: GARBAGE, confirm: 'yes' } },
  { method: 'POST', path: '/oidc/device', form: { user_code: 'BCDF-GHJK', xsrf: GARBAGE, abort: 'yes' } },
  { method: 'POST', path: '/oidc/device', form: {} },
  { method: 'POST', path: '/oidc/device', form: { xsrf: '', user_code: '' } },
  { method: 'GET', path: `/oidc/device/${GARBAGE}` },
  { method: 'GET', path: `/oidc/auth/${GARBAGE}` },
  { method: 'POST', path: '/oidc/session/end/confirm', form: {} },
  { method: 'POST', path: '/oidc/session/end/confirm', form: { xsrf: GARBAGE, logout: 'yes' } },
  // (POST /oidc/auth is answered 303 to the same request by GET, post-methods.test.ts: the GET is the probe.)
  { method: 'GET', path: '/oidc/auth' },
  { method: 'GET', path: '/oidc/no-such-page' },
  { method: 'GET', path: `/account/oidc?uid=${GARBAGE}` },
  { method: 'GET', path: '/account/oidc?uid=a&uid=b' },
  { method: 'POST', path: `/account/oidc/consent?uid=${GARBAGE}`, form: { csrf_token: GARBAGE } },
  { method: 'POST', path: '/account/oidc/consent', form: {} },
  { method: 'POST', path: '/account/oidc/consent', form: { csrf_token: GARBAGE } },
  { method: 'POST', path: '/account/oidc/abort', form: { csrf_token: GARBAGE } },
  { method: 'POST', path: `/account/oidc/abort?uid=${GARBAGE}`, form: {} },
]

/** Cookies no server set: unsigned or badly signed provider cookies, a made-up account and CSRF cookie. */
const GARBAGE_COOKIES = [
  `_session=${GARBAGE}`,
  `_session.sig=${GARBAGE}`,
  `_interaction=${GARBAGE}`,
  `_interaction.sig=${GARBAGE}`,
  `_interaction_resume=${GARBAGE}`,
  `_interaction_resume.sig=${GARBAGE}`,
  `heimdall_account=00000000-0000-0000-0000-000000000000.${GARBAGE}`,
  `heimdall_csrf=${GARBAGE}`,
].join('; ')

async function send(server: OidcServer, probe: Probe, options: { cookie?: string; browser?: FormBrowser; accept: string }): Promise<{ status: number; type: string; csp: string | null; body: string }> {
  const headers: Record<string, string> = { accept: options.accept }
  const init = { method: probe.method, form: probe.form, headers }
  let response: Response
  if (options.browser) {
    response = await options.browser.request(`${server.url}${probe.path}`, init)
  } else {
    if (options.cookie) headers.cookie = options.cookie
    if (probe.form) headers['content-type'] = 'application/x-www-form-urlencoded'
    response = await fetch(`${server.url}${probe.path}`, { method: probe.method, headers, body: probe.form ? new URLSearchParams(probe.form) : undefined, redirect: 'manual' })
  }
  return { status: response.status, type: response.headers.get('content-type') ?? '', csp: response.headers.get('content-security-policy'), body: await response.text() }
}

/** A 4xx answer: for a browser a Heimdall page under the pages' CSP, for others a JSON error; never a stack. */
function assertRefused(t: ExecutionContext, probe: Probe, answer: Awaited<ReturnType<typeof send>>, accept: string): void {
  const label = `${probe.method} ${probe.path} ${JSON.stringify(probe.form ?? {})} (${accept})`
  t.true(answer.status >= 400 && answer.status < 500, `${label}: ${answer.status} ${answer.body.slice(0, 200)}`)
  t.notRegex(answer.body, /node_modules|TypeError|\n\s+at /, `${label}: no internals`)
  if (accept === 'text/html') {
    t.regex(answer.type, /^text\/html/, `${label}: a page`)
    t.is(answer.csp?.replace(/form-action 'self'[^;]*;/, "form-action 'self';"), PAGE_CSP, `${label}: Heimdall's page`)
    t.regex(answer.body, /<title>[^<]+ · Heimdall<\/title>/, label)
  } else if (answer.type.startsWith('application/json')) {
    t.true(typeof (JSON.parse(answer.body) as { error?: unknown }).error !== 'undefined', `${label}: an error body`)
  }
}

for (const backend of backends()) {
  for (const accept of ['text/html', '*/*']) {
    test(`no cookies, or garbage cookies: every bad request to the provider's and the interaction pages is a 4xx (Accept: ${accept}) [${backend}]`, async (t) => {
      const server = servers.get(backend)!
      for (const cookie of [undefined, GARBAGE_COOKIES]) {
        for (const probe of PROBES) assertRefused(t, probe, await send(server, probe, { cookie, accept }), accept)
      }
    })
  }

  test(`POST /oidc/device without a provider session is a 400 Heimdall page that says to start again, with a link to the code entry [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const response = await fetch(`${server.url}/oidc/device`, {
      method: 'POST',
      headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ user_code: 'BCDF-GHJK', xsrf: GARBAGE }),
    })
    t.is(response.status, 400)
    t.is(response.headers.get('set-cookie'), null, 'no session is saved for it')
    const html = await response.text()
    t.regex(html, /This page has expired, or your browser did not send its cookie/)
    t.regex(html, /<a href="[^"]*\/oidc\/device">Type the code<\/a>/)
  })

  test(`a browser in the middle of a sign-in sending missing or garbage xsrf, CSRF tokens or uids gets a 4xx; nothing is granted [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server, { firstParty: false })
    const browser = new FormBrowser()
    // A provider session with a device form in it, and an authorization waiting at its consent page.
    t.is((await browser.request(`${server.url}/oidc/device`)).status, 200)
    const { url } = await browser.follow((await authorizationRequest(rp, 'openid email')).url.href)
    const login = formsOf(await (await browser.request(url)).text()).find((form) => 'password' in form.fields)!
    const signedIn = await browser.request(`${server.url}${login.action}`, { form: { ...login.fields, email: rp.email, password: TEST_PASSWORD } })
    const consentPage = await browser.follow(new URL(signedIn.headers.get('location')!, server.url).href)
    t.regex(await consentPage.response.text(), /Allow access\?|Continuing to/)

    for (const accept of ['text/html', '*/*']) {
      for (const probe of PROBES) assertRefused(t, probe, await send(server, probe, { browser, accept }), accept)
    }
    const sub = (await server.context.users.findUserByEmail(rp.email))!.id
    t.is(await server.context.oidcConsents.findConsent(sub, rp.clientId), undefined, 'no consent was given')
  })
}
