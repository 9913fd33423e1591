import test from 'ava'
import { createClient } from '../../../src/usecases/oidc/create-client.js'
import { backends } from '../../support/db.js'
import { startOidcServer } from '../../support/oidc.js'
import type { TestServer } from '../../support/server.js'

type OidcServer = TestServer & { issuer: string }
const servers = new Map<string, OidcServer>()
const REDIRECT_URI = 'https://app.example.com/callback'
/** Any valid S256 challenge: these requests are refused before a code exists. */
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'

test.before(async () => {
  for (const backend of backends()) servers.set(backend, await startOidcServer(backend))
})
test.after.always(async () => {
  for (const server of servers.values()) await server.close()
})

function authorize(server: OidcServer, params: Record<string, string>): Promise<Response> {
  const url = new URL(`${server.issuer}/auth`)
  for (const [name, value] of Object.entries({ response_type: 'code', scope: 'openid', redirect_uri: REDIRECT_URI, state: 'xyz', ...params })) url.searchParams.set(name, value)
  return fetch(url, { redirect: 'manual' })
}

async function publicClient(server: OidcServer): Promise<string> {
  return (await createClient(server.context, { name: 'SPA', redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [], grants: ['authorization_code'], scopes: ['openid'], isPublic: true, firstParty: true })).clientId
}

for (const backend of backends()) {
  test(`a redirect_uri that is not registered is refused on the provider's page, never redirected to [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const clientId = await publicClient(server)
    for (const redirectUri of ['https://evil.example.com/callback', `${REDIRECT_URI}/../evil`, `${REDIRECT_URI}?next=https://evil.example.com`]) {
      const response = await authorize(server, { client_id: clientId, redirect_uri: redirectUri, code_challenge: CHALLENGE, code_challenge_method: 'S256' })
      t.is(response.status, 400, redirectUri)
      t.is(response.headers.get('location'), null)
      t.regex(await response.text(), /redirect_uri did not match/)
    }
  })

  test(`PKCE: a public client without a challenge, or with the plain method, is refused with invalid_request [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const clientId = await publicClient(server)
    // Without a method the challenge is plain (RFC 7636 section 4.3), which is refused too.
    const downgrades: Array<Record<string, string>> = [{}, { code_challenge: CHALLENGE, code_challenge_method: 'plain' }, { code_challenge: CHALLENGE }]
    for (const params of downgrades) {
      const response = await authorize(server, { client_id: clientId, ...params })
      t.is(response.status, 303, JSON.stringify(params))
      const location = new URL(response.headers.get('location')!)
      t.is(location.origin + location.pathname, REDIRECT_URI)
      t.is(location.searchParams.get('error'), 'invalid_request', JSON.stringify(params))
      t.is(location.searchParams.get('state'), 'xyz')
    }
  })

  test(`an unknown client, or a wrong client secret at the token endpoint, is invalid_client [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const unknown = await authorize(server, { client_id: 'nobody', code_challenge: CHALLENGE, code_challenge_method: 'S256' })
    t.is(unknown.status, 400)
    t.regex(await unknown.text(), /invalid_client/)

    const { clientId, clientSecret } = await createClient(server.context, { name: 'Wiki', redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [], grants: ['authorization_code'], scopes: ['openid'], isPublic: false, firstParty: false })
    const basic = (secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`
    const exchange = (secret: string) =>
      fetch(`${server.issuer}/token`, {
        method: 'POST',
        headers: { authorization: basic(secret), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: 'not-a-code', redirect_uri: REDIRECT_URI, code_verifier: 'x'.repeat(43) }),
      })
    const wrong = await exchange(`${clientSecret}x`)
    t.is(wrong.status, 401)
    t.like(await wrong.json(), { error: 'invalid_client' })
    // The right secret gets past client authentication, to the code check.
    const right = await exchange(clientSecret!)
    t.is(right.status, 400)
    t.like(await right.json(), { error: 'invalid_grant' })
  })
}
