import test from 'ava'
import { backends } from '../../aux/db.js'
import { discover, startOidcServer } from '../../aux/oidc.js'
import type { TestServer } from '../../aux/server.js'
import { rotateSigningKey } from '../../../src/usecases/commands/rotate-signing-key.js'
import { createKnexAdapter, sweepExpiredOidcPayloads } from '../../../src/infra/oidc/knex-adapter.js'

type OidcServer = TestServer & { issuer: string }
const servers = new Map<string, OidcServer>()

test.before(async () => {
  for (const backend of backends()) servers.set(backend, await startOidcServer(backend))
})
test.after.always(async () => {
  for (const server of servers.values()) await server.close()
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
