// The per-IP budget (HEIMDALL_RATE_LIMIT_PER_MINUTE) on the provider's credential endpoints: POSTs to
// the token, introspection, revocation, device authorization and user-code endpoints, each its own
// budget as Heimdall's command endpoints have, answered over budget with 429, Retry-After and an OAuth
// error body. Behind one trusted proxy, so that each test is its own client (X-Forwarded-For).
import test from 'ava'
import { backends } from '../../support/db.js'
import { startOidcServer } from '../../support/oidc.js'
import { FormBrowser } from '../../support/oidc-http-sign-in.js'
import type { TestServer } from '../../support/server.js'

type OidcServer = TestServer & { issuer: string }
const LIMIT = 3
const servers = new Map<string, OidcServer>()
let nextAddress = 0

test.before(async () => {
  for (const backend of backends()) {
    servers.set(backend, await startOidcServer(backend, { HEIMDALL_RATE_LIMIT_PER_MINUTE: String(LIMIT), HEIMDALL_TRUSTED_PROXIES: '1' }))
  }
})
test.after.always(async () => {
  for (const server of servers.values()) await server.close()
})

/** A client address of its own for one test. */
function newClient(): string {
  return `198.51.100.${++nextAddress}`
}

/** A POST with a form, as `client`, with a wrong client secret, in `browser`'s cookie jar when given. */
function post(server: OidcServer, path: string, client: string, fields: Record<string, string> = { grant_type: 'client_credentials' }, browser = new FormBrowser()): Promise<Response> {
  return browser.request(`${server.url}${path}`, { form: fields, headers: { 'x-forwarded-for': client, authorization: `Basic ${Buffer.from('nobody:wrong').toString('base64')}` } })
}

for (const backend of backends()) {
  test(`POST /oidc/token over budget: 429 with Retry-After and an OAuth error body; other spellings of the path share the budget [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const client = newClient()
    for (let i = 0; i < LIMIT; i++) t.is((await post(server, '/oidc/token', client)).status, 401, 'within the budget the provider answers')
    for (const path of ['/oidc/token', '/oidc/TOKEN', '/oidc/token/', '/oidc/Token/?x=1']) {
      const limited = await post(server, path, client)
      t.is(limited.status, 429, path)
      const retryAfter = Number(limited.headers.get('retry-after'))
      t.true(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`)
      t.regex(limited.headers.get('content-type') ?? '', /^application\/json/)
      const body = (await limited.json()) as { error: string; error_description: string }
      t.is(body.error, 'temporarily_unavailable')
      t.regex(body.error_description, /Too many requests to \/oidc\/token; try again in \d+ s/)
    }
    t.is((await post(server, '/oidc/token', newClient())).status, 401, 'another client has its own budget')
    const login = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': client }, body: JSON.stringify({ email: 'a@example.com', password: 'x' }) })
    t.not(login.status, 429, "each endpoint has its own budget: /auth/login's is untouched")
  })

  test(`introspection, revocation, device authorization and user-code entry are limited too, each with its own budget [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const client = newClient()
    // The user-code form is posted from the page that carries it (a provider session cookie).
    const browser = new FormBrowser()
    t.is((await browser.request(`${server.issuer}/device`, { headers: { 'x-forwarded-for': client } })).status, 200)
    for (const [path, fields] of [
      ['/oidc/token/introspection', { token: 'x' }],
      ['/oidc/token/revocation', { token: 'x' }],
      ['/oidc/device/auth', { client_id: 'nobody' }],
      ['/oidc/device', { user_code: 'BCDF-GHJK' }],
    ] as const) {
      for (let i = 0; i < LIMIT; i++) t.true([400, 401].includes((await post(server, path, client, fields, browser)).status), `${path} #${i + 1}`)
      const limited = await post(server, path, client, fields, browser)
      t.is(limited.status, 429, path)
      t.like(await limited.json(), { error: 'temporarily_unavailable' })
    }
  })

  test(`what is no credential endpoint is not limited: discovery, JWKS, authorization, userinfo, and Heimdall's validation [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const client = newClient()
    const headers = { 'x-forwarded-for': client }
    for (let i = 0; i < LIMIT * 2; i++) {
      t.is((await fetch(`${server.issuer}/.well-known/openid-configuration`, { headers })).status, 200)
      t.is((await fetch(`${server.issuer}/jwks`, { headers })).status, 200)
      t.is((await fetch(`${server.issuer}/auth?client_id=nobody`, { headers, redirect: 'manual' })).status, 400)
      t.is((await fetch(`${server.issuer}/me`, { method: 'POST', headers: { ...headers, authorization: 'Bearer nothing' } })).status, 401)
      const validation = await fetch(`${server.url}/auth/validate`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ token: 'nope' }) })
      t.is(validation.status, 200)
    }
  })
}
