import test from 'ava'
import * as oidc from 'openid-client'
import { backends } from '../../support/db.js'
import { discover, startOidcServer } from '../../support/oidc.js'
import { startTestServer, type TestServer } from '../../support/server.js'
import { rotateSigningKey } from '../../../src/usecases/signing-keys/rotate-signing-key.js'
import { createKnexAdapter } from '../../../src/infra/oidc/knex-adapter.js'
import { sweepExpiredOidcPayloads } from '../../../src/infra/oidc/payload-sweep.js'
import { createClient } from '../../../src/usecases/oidc/create-client.js'

type OidcServer = TestServer & { issuer: string }
/**
 * Every member the discovery document may have: what docs/oidc.md lists. A provider feature switched
 * on by a default (PAR and DPoP are, in oidc-provider 9) would add members and fail the test.
 */
const DOCUMENTED_METADATA = [
  'authorization_endpoint', 'authorization_response_iss_parameter_supported', 'claim_types_supported', 'claims_parameter_supported',
  'claims_supported', 'code_challenge_methods_supported', 'device_authorization_endpoint', 'end_session_endpoint', 'grant_types_supported',
  'id_token_signing_alg_values_supported', 'introspection_endpoint', 'issuer', 'jwks_uri', 'request_uri_parameter_supported',
  'response_modes_supported', 'response_types_supported', 'revocation_endpoint', 'scopes_supported', 'subject_types_supported',
  'token_endpoint', 'token_endpoint_auth_methods_supported', 'userinfo_endpoint',
]
const servers = new Map<string, OidcServer>()
/** Per backend, a Heimdall with OpenID Connect off. */
const plainServers = new Map<string, TestServer>()

test.before(async () => {
  for (const backend of backends()) {
    servers.set(backend, await startOidcServer(backend))
    plainServers.set(backend, await startTestServer(backend))
  }
})
test.after.always(async () => {
  for (const server of [...servers.values(), ...plainServers.values()]) await server.close()
})

for (const backend of backends()) {
  test(`discovery document is valid and names the issuer under HEIMDALL_PUBLIC_URL [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const config = await discover(server.issuer, 'nobody')
    const metadata = config.serverMetadata()
    t.is(metadata.issuer, server.issuer)
    t.is(metadata.authorization_endpoint, `${server.issuer}/auth`)
    t.is(metadata.token_endpoint, `${server.issuer}/token`)
    t.is(metadata.jwks_uri, `${server.issuer}/jwks`)
    t.truthy(metadata.userinfo_endpoint)
    t.truthy(metadata.revocation_endpoint)
    t.truthy(metadata.introspection_endpoint)
    t.truthy(metadata.device_authorization_endpoint)
    t.truthy(metadata.end_session_endpoint)
    t.deepEqual(metadata.response_types_supported, ['code'])
    t.deepEqual(metadata.code_challenge_methods_supported, ['S256'])
    t.true(metadata.grant_types_supported!.includes('client_credentials'))
    t.true(metadata.grant_types_supported!.includes('urn:ietf:params:oauth:grant-type:device_code'))
    t.true(metadata.scopes_supported!.includes('roles'))
    t.true((metadata.claims_supported as string[]).includes('permissions'))
  })

  test(`discovery advertises only what docs/oidc.md lists: no pushed authorization requests, DPoP or request objects [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const metadata = (await (await fetch(`${server.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>
    t.deepEqual(Object.keys(metadata).sort(), [...DOCUMENTED_METADATA].sort())
    t.is(metadata.pushed_authorization_request_endpoint, undefined)
    t.is(metadata.dpop_signing_alg_values_supported, undefined)
    t.is(metadata.request_parameter_supported, undefined)
    t.is(metadata.request_uri_parameter_supported, false)
    t.is(metadata.claims_parameter_supported, false)
  })

  test(`the pushed authorization request endpoint is off: POST /oidc/request is a 404 with a JSON error [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const { clientId } = await createClient(server.context, { name: 'PAR probe', redirectUris: ['https://app.example.com/cb'], postLogoutRedirectUris: [], grants: ['authorization_code'], scopes: ['openid'], isPublic: true, firstParty: true })
    const response = await fetch(`${server.issuer}/request`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: clientId, response_type: 'code', scope: 'openid', redirect_uri: 'https://app.example.com/cb', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }),
    })
    t.is(response.status, 404)
    t.regex(response.headers.get('content-type') ?? '', /^application\/json/)
    const body = (await response.json()) as { error: string; error_description: string }
    t.is(body.error, 'not_found')
    t.regex(body.error_description, /POST \/oidc\/request/)
  })

  test(`DPoP is off: a DPoP header at the token endpoint is ignored and the token is a Bearer one [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const { clientId, clientSecret } = await createClient(server.context, { name: 'DPoP probe', redirectUris: [], postLogoutRedirectUris: [], grants: ['client_credentials'], scopes: ['user:read'], isPublic: false, firstParty: true })
    const response = await fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, dpop: 'not-a-proof' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'user:read' }),
    })
    t.is(response.status, 200)
    t.like(await response.json(), { token_type: 'Bearer' })
  })

  test(`the same metadata at the issuer's discovery URL and at the RFC 8414 path-insertion URLs; openid-client's discovery() accepts each [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const origin = new URL(server.issuer).origin
    const urls = [`${server.issuer}/.well-known/openid-configuration`, `${origin}/.well-known/oauth-authorization-server/oidc`, `${origin}/.well-known/openid-configuration/oidc`]
    const documents = await Promise.all(urls.map(async (url) => {
      const response = await fetch(url)
      t.is(response.status, 200, url)
      t.regex(response.headers.get('content-type') ?? '', /^application\/json/, url)
      return response.json()
    }))
    t.deepEqual(documents[1], documents[0])
    t.deepEqual(documents[2], documents[0])

    const options = { execute: [oidc.allowInsecureRequests] }
    const found = [
      await oidc.discovery(new URL(server.issuer), 'nobody', undefined, undefined, options),
      await oidc.discovery(new URL(server.issuer), 'nobody', undefined, undefined, { ...options, algorithm: 'oauth2' }),
      ...(await Promise.all(urls.map((url) => oidc.discovery(new URL(url), 'nobody', undefined, undefined, options)))),
    ]
    for (const config of found) t.is(config.serverMetadata().issuer, server.issuer)
  })

  test(`the root /.well-known/openid-configuration (no place for an issuer with a path) is a 404 naming the real discovery URL [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const origin = new URL(server.issuer).origin
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const response = await fetch(`${origin}${path}`)
      t.is(response.status, 404, path)
      t.regex(response.headers.get('content-type') ?? '', /^application\/json/)
      const body = (await response.json()) as Record<string, unknown>
      t.like(body, { status_code: 404, path, issuer: server.issuer, discovery_url: `${server.issuer}/.well-known/openid-configuration` })
      t.true(String(body.error).includes(`${server.issuer}/.well-known/openid-configuration`), String(body.error))
    }
    // Discovery with the server's root as the issuer fails, as it should.
    await t.throwsAsync(() => oidc.discovery(new URL(origin), 'nobody', undefined, undefined, { execute: [oidc.allowInsecureRequests] }))
  })

  test(`with OpenID Connect off, every discovery URL is a 404 saying so [${backend}]`, async (t) => {
    const server = plainServers.get(backend)!
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/.well-known/openid-configuration/oidc', '/.well-known/oauth-authorization-server/oidc', '/oidc/.well-known/openid-configuration']) {
      const response = await fetch(`${server.url}${path}`)
      t.is(response.status, 404, path)
      const body = (await response.json()) as Record<string, unknown>
      if (path.startsWith('/.well-known/')) t.regex(String(body.error), /OpenID Connect is not enabled/, path)
    }
  })

  test(`one JWKS: the provider's jwks_uri serves Heimdall's key set, with an RS256 key although access tokens are HS256 [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const fromProvider = await (await fetch(`${server.issuer}/jwks`)).json() as { keys: Array<{ alg: string; kid: string; d?: string }> }
    const fromHeimdall = await (await fetch(`${server.url}/.well-known/jwks.json`)).json()
    t.deepEqual(fromProvider, fromHeimdall)
    // Two processes (or requests) creating the first key at once both publish theirs; one signs.
    t.true(fromProvider.keys.length >= 1)
    for (const key of fromProvider.keys) {
      t.is(key.alg, 'RS256')
      t.is(key.d, undefined)
    }
  })

  test(`Heimdall's own routes keep their contract beside the provider [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const health = await fetch(`${server.url}/health`)
    t.is(health.status, 200)
    const notOidc = await fetch(`${server.url}/oidcx`)
    t.is(notOidc.status, 404)
    t.regex(notOidc.headers.get('content-type') ?? '', /json/)
    const validate = await fetch(`${server.url}/auth/validate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: 'nope' }) })
    t.is(validate.status, 200)
    t.like(await validate.json(), { is_valid: false })
  })

  test(`the storage adapter: rows by id, uid and user code, consumed marks, grant revocation; expired rows read as absent and are swept [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const Adapter = createKnexAdapter(server.context.db, server.context.oauthClients)
    const codes = new Adapter('DeviceCode')
    await codes.upsert('dc-1', { grantId: 'g-1', userCode: 'ABCD-EFGH', uid: 'u-1', clientId: 'c' }, 600)
    await codes.upsert('dc-1', { grantId: 'g-1', userCode: 'ABCD-EFGH', uid: 'u-1', clientId: 'c', note: 'saved again' }, 600)
    t.like(await codes.find('dc-1'), { note: 'saved again' })
    t.like(await codes.findByUserCode('ABCD-EFGH'), { grantId: 'g-1' })
    t.like(await codes.findByUid('u-1'), { grantId: 'g-1' })
    await codes.consume('dc-1')
    t.true(typeof (await codes.find('dc-1'))!.consumed === 'number')
    await codes.revokeByGrantId('g-1')
    t.is(await codes.find('dc-1'), undefined)

    await codes.upsert('dc-2', { grantId: 'g-2' }, 600)
    await server.context.db('oidc_payloads').where({ kind: 'DeviceCode', id: 'dc-2' }).update({ expires_at: Date.now() - 1 })
    t.is(await codes.find('dc-2'), undefined, 'an expired row reads as absent')
    t.true((await sweepExpiredOidcPayloads(server.context.db, Date.now())) >= 1)
    t.is(await server.context.db('oidc_payloads').where({ kind: 'DeviceCode', id: 'dc-2' }).first(), undefined)
  })

  // Serial: its 300 revocations, three at a time, took every pooled connection the file's other tests
  // needed, and on a loaded machine theirs and its own waited past the pool's acquire timeout.
  test.serial(`grants revoked as oidc-provider revokes them on refresh-token reuse, three at a time, never fail on a lock conflict and leave other grants alone [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const Adapter = createKnexAdapter(server.context.db, server.context.oauthClients)
    const prefix = `revoke-${backend}-${Date.now()}`
    const failures: string[] = []
    const reuse = async (grantId: string) => {
      try {
        await new Adapter('Grant').upsert(grantId, { accountId: 'a' }, 600)
        for (const [model, count] of [['AccessToken', 2], ['RefreshToken', 2], ['AuthorizationCode', 1]] as const) {
          for (let i = 0; i < count; i++) await new Adapter(model).upsert(`${grantId}-${model}-${i}`, { grantId }, 600)
        }
        await new Adapter('AccessToken').upsert(`${grantId}-neighbour`, { grantId: `${grantId}-other` }, 600)
        // What oidc-provider's refresh_token grant runs when a consumed refresh token comes back.
        await Promise.all([
          new Adapter('RefreshToken').destroy(`${grantId}-RefreshToken-0`),
          ...['AccessToken', 'RefreshToken', 'AuthorizationCode'].map((model) => new Adapter(model).revokeByGrantId(grantId)),
          new Adapter('Grant').destroy(grantId),
        ])
      } catch (error) {
        failures.push(String((error as Error).message).slice(0, 200))
      }
    }
    // Without retries MariaDB answered a deadlock to about one in a hundred of these.
    const rounds = 100
    const parallel = 3
    for (let round = 0; round < rounds; round++) await Promise.all(Array.from({ length: parallel }, (_, i) => reuse(`${prefix}-g${round}-${i}`)))
    t.deepEqual(failures, [], `${failures.length} of ${rounds * parallel} revocations failed`)
    const left = await server.context.db('oidc_payloads').where('id', 'like', `${prefix}-%`).select('kind', 'grant_id')
    t.is(left.length, rounds * parallel, "only the neighbouring grants' tokens are left")
    t.true(left.every((row) => row.kind === 'AccessToken' && String(row.grant_id).endsWith('-other')))
  })

  test(`keys:rotate rotates the ID token key under HS256 too; the old key stays published [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const before = (await (await fetch(`${server.issuer}/jwks`)).json()) as { keys: Array<{ kid: string }> }
    const rotated = await rotateSigningKey(server.context, {})
    t.is(rotated.alg, 'RS256')
    const after = (await (await fetch(`${server.issuer}/jwks`)).json()) as { keys: Array<{ kid: string }> }
    t.true(after.keys.some((key) => key.kid === rotated.kid))
    for (const old of before.keys) t.true(after.keys.some((key) => key.kid === old.kid), 'the retired key is still published')
  })
}
