import test from 'ava'
import * as oidc from 'openid-client'
import { createClient } from '../../../src/usecases/oidc/create-client.js'
import { runCli } from '../../support/cli.js'
import { backends } from '../../support/db.js'
import { discover, oauthError, type OidcServer, oidcServersForFile } from '../../support/oidc.js'

const servers = oidcServersForFile()

async function cli(server: OidcServer, args: string[]) {
  const result = await runCli([...args, '--json'], { env: server.env })
  return { ...result, json: result.stdout.trim() === '' ? undefined : JSON.parse(result.stdout) }
}


test('client ids never start with a dash, so every CLI command takes them as an argument, not a flag [sqlite]', async (t) => {
  const server = servers.get('sqlite')!
  // A base64url id starts with '-' one time in 64: 200 ids miss it with a chance of about 4%.
  const ids: string[] = []
  for (let i = 0; i < 200; i++) {
    const { clientId } = await createClient(server.context, { name: `probe ${i}`, redirectUris: ['https://app.example.com/cb'], postLogoutRedirectUris: [], grants: ['authorization_code'], scopes: ['openid'], isPublic: false, firstParty: true })
    ids.push(clientId)
  }
  t.true(ids.every((id) => /^[0-9a-f]{32}$/.test(id)), ids.find((id) => !/^[0-9a-f]{32}$/.test(id)))
  const shown = await cli(server, ['client:show', ids[0]])
  t.is(shown.json.client_id, ids[0])
})

for (const backend of backends()) {
  test(`client:create/list/show/rotate-secret/delete with --json; the secret is shown once and stored hashed; audited [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const created = await cli(server, ['client:create', 'Grafana', '--redirect-uri', 'https://grafana.example.com/login/generic_oauth', '--grant', 'authorization_code', '--grant', 'refresh_token', '--scope', 'openid', '--scope', 'email', '--scope', 'offline_access', '--first-party'])
    t.is(created.code, 0, created.stderr)
    const { client_id: clientId, client_secret: secret } = created.json
    t.regex(secret, /^[\w-]{43}$/)
    const row = await server.context.db('oauth_clients').where({ client_id: clientId }).first()
    t.not(row.secret_hash, secret)
    t.false(JSON.stringify(row).includes(secret))

    const listed = await cli(server, ['client:list'])
    t.true(listed.json.clients.some((client: { client_id: string }) => client.client_id === clientId))
    t.false(listed.stdout.includes(secret))
    const shown = await cli(server, ['client:show', clientId])
    t.like(shown.json, { client_id: clientId, client_name: 'Grafana', public: false, first_party: true, grant_types: ['authorization_code', 'refresh_token'], scope: 'openid email offline_access' })

    const rotated = await cli(server, ['client:rotate-secret', clientId])
    t.is(rotated.code, 0, rotated.stderr)
    t.not(rotated.json.client_secret, secret)
    const deleted = await cli(server, ['client:delete', clientId])
    t.is(deleted.code, 0, deleted.stderr)
    const gone = await cli(server, ['client:show', clientId])
    t.is(gone.code, 1)
    t.is(gone.json.error.code, 'client.not_found')

    const audit = await cli(server, ['audit:list', '--limit', '50'])
    const types = JSON.stringify(audit.json)
    for (const type of ['client.created', 'client.secret_rotated', 'client.deleted']) t.true(types.includes(type), type)
  })

  test(`client:create without --scope gives each grant its usual scopes (sign-in: openid email profile; refresh_token: offline_access) and shows them [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const signIn = await cli(server, ['client:create', 'Defaults', '--redirect-uri', 'https://app.example.com/cb', '--grant', 'authorization_code'])
    t.is(signIn.code, 0, signIn.stderr)
    t.is(signIn.json.scope, 'openid email profile')
    t.deepEqual(signIn.json.grant_types, ['authorization_code'])
    t.is(JSON.parse((await runCli(['client:show', signIn.json.client_id, '--json'], { env: server.env })).stdout).scope, 'openid email profile')

    const human = await runCli(['client:create', 'Defaults', '--redirect-uri', 'https://app.example.com/cb', '--grant', 'authorization_code', '--grant', 'refresh_token'], { env: server.env })
    t.is(human.code, 0, human.stderr)
    t.regex(human.stdout, /^scope: +openid email profile offline_access$/m)
    t.regex(human.stdout, /^grant_types: +authorization_code refresh_token$/m)

    const device = await cli(server, ['client:create', 'TV', '--public', '--grant', 'device_code', '--grant', 'refresh_token'])
    t.is(device.code, 0, device.stderr)
    t.is(device.json.scope, 'openid email profile offline_access')

    const given = await cli(server, ['client:create', 'Given', '--redirect-uri', 'https://app.example.com/cb', '--grant', 'authorization_code', '--scope', 'openid'])
    t.is(given.json.scope, 'openid', 'a --scope list is taken as given')
    const machine = await cli(server, ['client:create', 'Machine', '--grant', 'client_credentials'])
    t.is(machine.code, 65, 'client credentials has no usual scopes: its permissions are chosen')
    t.regex(JSON.stringify(machine.json.error.details), /give at least one, such as --scope user:read/)
  })

  test(`client:create refuses bad registrations with one message per problem [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const refused = await cli(server, ['client:create', 'Bad', '--grant', 'authorization_code', '--grant', 'client_credentials', '--public', '--redirect-uri', 'http://evil.example.com/cb', '--scope', 'nope'])
    t.is(refused.code, 65)
    const messages = JSON.stringify(refused.json.error.details)
    t.regex(messages, /cannot use client_credentials/)
    t.regex(messages, /must use https/)
    t.regex(messages, /Unknown scope .{0,3}nope/)
    const fragment = await cli(server, ['client:create', 'Bad', '--grant', 'authorization_code', '--redirect-uri', 'https://app.example.com/cb#x'])
    t.regex(JSON.stringify(fragment.json.error.details), /fragment/)
    t.is((await server.context.db('oauth_clients').where({ name: 'Bad' })).length, 0)
  })

  test(`client credentials: a token for the client's permission scopes, introspected and revoked by the client; wrong secrets and scopes refused [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const created = await cli(server, ['client:create', 'billing-job', '--grant', 'client_credentials', '--scope', 'user:read'])
    t.is(created.code, 0, created.stderr + created.stdout)
    const { client_id: clientId, client_secret: secret } = created.json
    const config = await discover(server.issuer, clientId, secret)

    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'user:read' })
    t.is(tokens.token_type, 'bearer')
    t.is(tokens.scope, 'user:read')
    t.true(tokens.expires_in! > 0)
    const introspected = await oidc.tokenIntrospection(config, tokens.access_token)
    t.like(introspected, { active: true, client_id: clientId, scope: 'user:read' })

    await oidc.tokenRevocation(config, tokens.access_token)
    t.like(await oidc.tokenIntrospection(config, tokens.access_token), { active: false })

    t.is(await oauthError(oidc.clientCredentialsGrant(config, { scope: 'user:write' })), 'invalid_scope')
    const wrongSecret = await discover(server.issuer, clientId, `${secret}x`)
    t.is(await oauthError(oidc.clientCredentialsGrant(wrongSecret, { scope: 'user:read' })), 'invalid_client')

    const rotated = await cli(server, ['client:rotate-secret', clientId])
    t.is(await oauthError(oidc.clientCredentialsGrant(config, { scope: 'user:read' })), 'invalid_client')
    const renewed = await discover(server.issuer, clientId, rotated.json.client_secret)
    t.truthy((await oidc.clientCredentialsGrant(renewed, { scope: 'user:read' })).access_token)

    await cli(server, ['client:delete', clientId])
    t.is(await oauthError(oidc.clientCredentialsGrant(renewed, { scope: 'user:read' })), 'invalid_client')
  })
}
