// Every URL the provider builds comes from HEIMDALL_PUBLIC_URL, whatever the request's Host,
// X-Forwarded-Host or X-Forwarded-Proto say: a request that names another host must not get
// endpoints, device links, form actions or a post-sign-in return address on that host (Host header
// poisoning, RFC 9110 section 7.2 leaves the header to the client). Behind one trusted proxy, so that
// the forwarded headers are those a proxy would pass on.
import { request } from 'node:http'
import test from 'ava'
import { createClient } from '../../../src/usecases/oidc/create-client.js'
import { createKnexAdapter } from '../../../src/infra/oidc/knex-adapter.js'
import { backends } from '../../support/db.js'
import { startOidcServer } from '../../support/oidc.js'
import { startTestServer, type TestServer } from '../../support/server.js'

type OidcServer = TestServer & { issuer: string }
const servers = new Map<string, OidcServer>()
/** Per backend, a Heimdall whose public URL is https, reached over plain http with no trusted proxy (a TLS proxy that sends no X-Forwarded-Proto). */
const httpsServers = new Map<string, TestServer>()
const HTTPS_PUBLIC_URL = 'https://auth.example.com'
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'

/** What an attacker may put in a request: each on its own, then all at once. */
const SPOOFS: Array<Record<string, string>> = [
  { host: 'evil.example.com' },
  { 'x-forwarded-host': 'evil.example.com' },
  { 'x-forwarded-proto': 'https' },
  { host: 'evil.example.com:8443', 'x-forwarded-host': 'evil.example.com', 'x-forwarded-proto': 'https' },
]

test.before(async () => {
  for (const backend of backends()) {
    servers.set(backend, await startOidcServer(backend, { HEIMDALL_TRUSTED_PROXIES: '1' }))
    httpsServers.set(backend, await startTestServer(backend, { env: { HEIMDALL_OIDC_ENABLED: 'true', HEIMDALL_PUBLIC_URL: HTTPS_PUBLIC_URL } }))
  }
})
test.after.always(async () => {
  for (const server of [...servers.values(), ...httpsServers.values()]) await server.close()
})

/** A request over node:http, which (unlike fetch) sends the Host header given. */
function send(server: TestServer, path: string, headers: Record<string, string>, form?: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const target = new URL(server.url)
  const body = form ? new URLSearchParams(form).toString() : undefined
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: target.hostname, port: target.port, path, method: form ? 'POST' : 'GET', headers: { ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...headers } },
      (response) => {
        let text = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (text += chunk))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }))
      },
    )
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}

/** Every absolute URL in a text (a JSON document, a page). */
function urlsIn(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^"'\s<>&\\]+/g)].map(([url]) => url)
}

for (const backend of backends()) {
  test(`discovery names every endpoint under HEIMDALL_PUBLIC_URL whatever Host and X-Forwarded-* say [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    for (const headers of SPOOFS) {
      const response = await send(server, '/oidc/.well-known/openid-configuration', headers)
      t.is(response.status, 200)
      const document = JSON.parse(response.body) as Record<string, unknown>
      t.is(document.issuer, server.issuer)
      t.is(document.token_endpoint, `${server.issuer}/token`, JSON.stringify(headers))
      t.is(document.authorization_endpoint, `${server.issuer}/auth`)
      t.is(document.jwks_uri, `${server.issuer}/jwks`)
      const urls = urlsIn(response.body)
      t.true(urls.length >= 8)
      for (const url of urls) t.true(url.startsWith(`${server.issuer}/`) || url === server.issuer, `${url} with ${JSON.stringify(headers)}`)
    }
  })

  test(`device authorization: verification_uri and verification_uri_complete under HEIMDALL_PUBLIC_URL; the code page's form posts there [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const { clientId } = await createClient(server.context, { name: 'TV', redirectUris: [], postLogoutRedirectUris: [], grants: ['device_code'], scopes: ['openid'], isPublic: true, firstParty: true })
    for (const headers of SPOOFS) {
      const started = await send(server, '/oidc/device/auth', headers, { client_id: clientId, scope: 'openid' })
      t.is(started.status, 200, started.body)
      const body = JSON.parse(started.body) as { verification_uri: string; verification_uri_complete: string }
      t.is(body.verification_uri, `${server.issuer}/device`)
      t.true(body.verification_uri_complete.startsWith(`${server.issuer}/device?user_code=`), body.verification_uri_complete)

      const page = await send(server, '/oidc/device', headers)
      t.is(page.status, 200)
      t.regex(page.body, new RegExp(`action="${server.issuer}/device"`))
      for (const url of urlsIn(page.body)) t.true(url.startsWith(server.url), `${url} with ${JSON.stringify(headers)}`)
    }
  })

  test(`the logout page's form posts to HEIMDALL_PUBLIC_URL [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    for (const headers of SPOOFS) {
      const page = await send(server, '/oidc/session/end', headers)
      t.is(page.status, 200)
      t.regex(page.body, new RegExp(`action="${server.issuer}/session/end/confirm"`))
      for (const url of urlsIn(page.body)) t.true(url.startsWith(server.url), `${url} with ${JSON.stringify(headers)}`)
    }
  })

  test(`an authorization request's return address (where the sign-in resumes) is under HEIMDALL_PUBLIC_URL [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const { clientId } = await createClient(server.context, { name: 'SPA', redirectUris: ['https://app.example.com/callback'], postLogoutRedirectUris: [], grants: ['authorization_code'], scopes: ['openid'], isPublic: true, firstParty: true })
    const interactions = new (createKnexAdapter(server.context.db, server.context.oauthClients))('Interaction')
    for (const headers of SPOOFS) {
      const query = new URLSearchParams({ client_id: clientId, response_type: 'code', scope: 'openid', redirect_uri: 'https://app.example.com/callback', code_challenge: CHALLENGE, code_challenge_method: 'S256' })
      const response = await send(server, `/oidc/auth?${query}`, headers)
      t.is(response.status, 303)
      const location = String(response.headers.location)
      t.true(location.startsWith('/account/oidc?uid='), location)
      const interaction = (await interactions.find(new URL(location, server.url).searchParams.get('uid')!)) as { returnTo: string }
      t.true(interaction.returnTo.startsWith(`${server.issuer}/auth/`), `${interaction.returnTo} with ${JSON.stringify(headers)}`)
    }
  })
}

for (const backend of backends()) {
  test(`an https public URL gives https endpoints and Secure provider cookies, with no X-Forwarded-Proto to say so [${backend}]`, async (t) => {
    const server = httpsServers.get(backend)!
    const discovery = await send(server, '/oidc/.well-known/openid-configuration', {})
    t.is(discovery.status, 200)
    const document = JSON.parse(discovery.body) as Record<string, unknown>
    t.is(document.issuer, `${HTTPS_PUBLIC_URL}/oidc`)
    t.is(document.token_endpoint, `${HTTPS_PUBLIC_URL}/oidc/token`)
    for (const url of urlsIn(discovery.body)) t.true(url.startsWith(`${HTTPS_PUBLIC_URL}/oidc`), url)

    // The code entry page starts a provider session: its cookies must not travel over plain http.
    const page = await send(server, '/oidc/device', { 'x-forwarded-proto': 'http' })
    t.is(page.status, 200)
    t.regex(page.body, new RegExp(`action="${HTTPS_PUBLIC_URL}/oidc/device"`))
    const cookies = [page.headers['set-cookie'] ?? []].flat()
    t.true(cookies.length > 0)
    for (const cookie of cookies) t.regex(cookie, /;\s*secure/i, cookie)
  })
}
