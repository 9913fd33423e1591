// The provider's requests are split off before Koa (mount.ts), and still leave what every Heimdall
// request leaves (docs/observability.md): an X-Request-Id, one access line without the query string
// (it carries codes and tokens) and a count labelled by a bounded route, never the raw path.
import test from 'ava'
import { createClient } from '../../../src/usecases/oidc/create-client.js'
import { backends } from '../../support/db.js'
import { loggedOidcServersForFile } from '../../support/oidc.js'
import { eventually } from '../../support/eventually.js'
import { sample } from '../../support/prometheus.js'

const servers = loggedOidcServersForFile()
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
/** Stands for a code or token in a query string: it must appear in no log line. */
const SECRET_IN_QUERY = 'query-secret-5f1c2a'

const entriesOf = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, unknown>)
/** The access lines logged under request id `id` so far. */
const accessLinesOf = (lines: string[], id: string) => entriesOf(lines).filter((entry) => entry.req_id === id && entry.msg === 'request')


for (const backend of backends()) {
  test(`a provider request answers X-Request-Id and leaves one access line: method, path without query, status, duration, req_id [${backend}]`, async (t) => {
    const { server, logLines } = servers.get(backend)!
    const discovery = await fetch(`${server.issuer}/.well-known/openid-configuration`, { headers: { 'x-request-id': 'trace-oidc-discovery' } })
    t.is(discovery.status, 200)
    t.is(discovery.headers.get('x-request-id'), 'trace-oidc-discovery')

    const { clientId } = await createClient(server.context, { name: 'Logged', redirectUris: ['https://app.example.com/cb'], postLogoutRedirectUris: [], grants: ['authorization_code'], scopes: ['openid'], isPublic: true, firstParty: true })
    const query = new URLSearchParams({ client_id: clientId, response_type: 'code', scope: 'openid', redirect_uri: 'https://app.example.com/cb', code_challenge: CHALLENGE, code_challenge_method: 'S256', state: SECRET_IN_QUERY })
    const authorization = await fetch(`${server.issuer}/auth?${query}`, { redirect: 'manual', headers: { 'x-request-id': 'unsafe id\twith a tab' } })
    t.is(authorization.status, 303)
    const generated = authorization.headers.get('x-request-id') ?? ''
    t.regex(generated, /^[0-9a-f-]{36}$/, 'generated when none, or an unsafe one, is sent')

    const token = await fetch(`${server.issuer}/token?code=${SECRET_IN_QUERY}`, { method: 'POST', headers: { 'x-request-id': 'trace-oidc-token' }, body: new URLSearchParams({ grant_type: 'client_credentials' }) })
    t.is(token.status, 400)
    // A provider request is logged when its response closes, a moment after the client has it. The
    // token request's line comes last: a second line for the two before it would have come already.
    const ids = ['trace-oidc-discovery', generated, 'trace-oidc-token']
    t.truthy(await eventually(async () => ids.every((id) => accessLinesOf(logLines, id).length > 0), 10_000), 'every request logged')

    const linesOf = (id: string) => accessLinesOf(logLines, id)
    t.is(linesOf('trace-oidc-discovery').length, 1)
    t.like(linesOf('trace-oidc-discovery')[0], { method: 'GET', path: '/oidc/.well-known/openid-configuration', status: 200 })
    t.is(typeof linesOf('trace-oidc-discovery')[0].duration_ms, 'number')
    t.is(linesOf(generated).length, 1)
    t.like(linesOf(generated)[0], { method: 'GET', path: '/oidc/auth', status: 303 })
    t.like(linesOf('trace-oidc-token')[0], { method: 'POST', path: '/oidc/token', status: 400 })
    t.false(logLines.some((line) => line.includes(SECRET_IN_QUERY)), 'no query string, no code, no state in the log')
  })

  // Serial: the other tests' requests would move the same counters.
  test.serial(`a provider request is counted by a bounded route label: the provider's route pattern, /oidc/* for unknown paths [${backend}]`, async (t) => {
    const { server } = servers.get(backend)!
    const metricsBefore = await (await fetch(`${server.url}/metrics`)).text()
    const count = (text: string, method: string, route: string, status: string) => sample(text, 'heimdall_http_requests_total', { method, route, status }) ?? 0

    t.is((await fetch(`${server.issuer}/jwks`)).status, 200)
    t.is((await fetch(`${server.issuer}/.well-known/openid-configuration`)).status, 200)
    t.is((await fetch(`${server.issuer}/no-such-endpoint-1`)).status, 404)
    t.is((await fetch(`${server.issuer}/no-such-endpoint-2`)).status, 404)
    t.is((await fetch(`${server.issuer}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials' }) })).status, 400)
    // The RFC 8414 alias is a Koa route: counted once, under its own pattern.
    t.is((await fetch(`${server.url}/.well-known/openid-configuration/oidc`)).status, 200)

    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    t.is(count(metrics, 'GET', '/oidc/jwks', '200') - count(metricsBefore, 'GET', '/oidc/jwks', '200'), 1)
    t.is(count(metrics, 'GET', '/oidc/.well-known/openid-configuration', '200') - count(metricsBefore, 'GET', '/oidc/.well-known/openid-configuration', '200'), 1)
    t.is(count(metrics, 'GET', '/oidc/*', '404') - count(metricsBefore, 'GET', '/oidc/*', '404'), 2)
    t.is(count(metrics, 'POST', '/oidc/token', '400') - count(metricsBefore, 'POST', '/oidc/token', '400'), 1)
    t.is(count(metrics, 'GET', '/.well-known/openid-configuration/oidc', '200') - count(metricsBefore, 'GET', '/.well-known/openid-configuration/oidc', '200'), 1)
    t.false(metrics.includes('no-such-endpoint'), 'never the raw path')
  })

  test(`the RFC 8414 discovery alias (a Koa route that hands over to the provider) leaves one access line, not two [${backend}]`, async (t) => {
    const { server, logLines } = servers.get(backend)!
    const response = await fetch(`${server.url}/.well-known/oauth-authorization-server/oidc`, { headers: { 'x-request-id': 'trace-oidc-alias' } })
    t.is(response.status, 200)
    t.is(response.headers.get('x-request-id'), 'trace-oidc-alias')
    // Koa logs before it answers, the provider when the response closes: once a request sent after
    // this one is logged, a second line for this one would be there too.
    t.is((await fetch(`${server.issuer}/.well-known/openid-configuration`, { headers: { 'x-request-id': 'trace-oidc-alias-after' } })).status, 200)
    t.truthy(await eventually(async () => accessLinesOf(logLines, 'trace-oidc-alias-after').length > 0, 10_000), 'the later request logged')
    const lines = accessLinesOf(logLines, 'trace-oidc-alias')
    t.is(lines.length, 1)
    t.like(lines[0], { path: '/.well-known/oauth-authorization-server/oidc', status: 200 })
  })
}

// A refused OAuth request is logged with the error the client got, so the operator need not ask the
// relying party's log why: the access line of the request carries `error` and `error_description`.
for (const backend of backends()) {
  test(`every refused OAuth request's access line carries its error and description (never the secret presented), by request id [${backend}]`, async (t) => {
    const { server, logLines } = servers.get(backend)!
    const { clientId, clientSecret } = await createClient(server.context, { name: 'Refused', redirectUris: ['https://app.example.com/cb'], postLogoutRedirectUris: [], grants: ['authorization_code', 'client_credentials'], scopes: ['openid', 'user:read'], isPublic: false, firstParty: true })
    const basic = (secret: string) => `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`
    const WRONG_SECRET = 'wrong-secret-6d0b3e'
    const refusals: Array<{ id: string; request: () => Promise<Response>; status: number; error: string }> = [
      { id: 'refused-scope', status: 400, error: 'invalid_scope', request: () => fetch(`${server.issuer}/token`, { method: 'POST', headers: { authorization: basic(clientSecret!), 'x-request-id': 'refused-scope' }, body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'role:manage' }) }) },
      { id: 'refused-client', status: 401, error: 'invalid_client', request: () => fetch(`${server.issuer}/token`, { method: 'POST', headers: { authorization: basic(WRONG_SECRET), 'x-request-id': 'refused-client' }, body: new URLSearchParams({ grant_type: 'client_credentials' }) }) },
      { id: 'refused-grant', status: 400, error: 'invalid_grant', request: () => fetch(`${server.issuer}/token`, { method: 'POST', headers: { authorization: basic(clientSecret!), 'x-request-id': 'refused-grant' }, body: new URLSearchParams({ grant_type: 'authorization_code', code: 'no-such-code', redirect_uri: 'https://app.example.com/cb' }) }) },
      { id: 'refused-introspection', status: 401, error: 'invalid_client', request: () => fetch(`${server.issuer}/token/introspection`, { method: 'POST', headers: { authorization: basic(WRONG_SECRET), 'x-request-id': 'refused-introspection' }, body: new URLSearchParams({ token: 'x' }) }) },
      { id: 'refused-userinfo', status: 401, error: 'invalid_token', request: () => fetch(`${server.issuer}/me`, { headers: { authorization: 'Bearer not-a-token', 'x-request-id': 'refused-userinfo' } }) },
      { id: 'refused-authorization', status: 400, error: 'invalid_client', request: () => fetch(`${server.issuer}/auth?client_id=no-such-client&response_type=code&scope=openid`, { headers: { 'x-request-id': 'refused-authorization', accept: 'text/html' } }) },
      { id: 'refused-unknown', status: 404, error: 'not_found', request: () => fetch(`${server.issuer}/no-such-endpoint`, { method: 'POST', headers: { 'x-request-id': 'refused-unknown' } }) },
      { id: 'refused-form', status: 400, error: 'invalid_request', request: () => fetch(`${server.issuer}/auth`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'refused-form' }, body: '{}' }) },
    ]
    for (const refusal of refusals) t.is((await refusal.request()).status, refusal.status, refusal.id)

    const accessLine = (id: string) => entriesOf(logLines).find((entry) => entry.req_id === id && entry.msg === 'request')
    t.truthy(await eventually(async () => refusals.every((refusal) => accessLine(refusal.id) !== undefined), 10_000), 'every request logged')
    for (const refusal of refusals) {
      const line = accessLine(refusal.id)!
      t.like(line, { status: refusal.status, error: refusal.error }, refusal.id)
      t.is(typeof line.error_description, 'string', refusal.id)
      t.true((line.error_description as string).length > 0, refusal.id)
    }
    t.like(accessLine('refused-scope'), { client_id: clientId })
    t.false(logLines.some((line) => line.includes(WRONG_SECRET) || line.includes(clientSecret!)), 'no client secret in the log')
  })
}
