import test from 'ava'
import { openClientSecret } from '../../src/usecases/federation/client-secret.js'
import { runCli } from '../support/cli.js'
import { serverTest, type TestServer } from '../support/server.js'

let sequence = 0
/** A provider name no other test of this process uses ([a-z0-9-]). */
function uniqueName(label: string): string {
  return `${label}-${process.pid}-${++sequence}`
}

const SECRET = 'upstream-client-secret-that-must-never-be-printed-42'

async function auditDetails(server: TestServer, type: string, name: string): Promise<Array<Record<string, unknown>>> {
  const rows = await server.context.db('audit_events').where({ type })
  return rows.map((row) => JSON.parse(row.detail)).filter((detail) => detail.name === name)
}

serverTest('idp:create stores the provider with its secret sealed, prints the redirect URI and never the secret; show, list, disable, enable, delete, all audited', async (t, server) => {
  const name = uniqueName('google')
  const created = await runCli(['idp:create', name, '--preset', 'google', '--client-id', 'abc.apps.googleusercontent.com', '--client-secret-stdin', '--trust-email', '--json'], {
    env: server.env,
    input: `${SECRET}\n`,
  })
  t.is(created.code, 0, created.stderr)
  t.false(created.stdout.includes(SECRET))
  const body = JSON.parse(created.stdout)
  t.like(body, { name, kind: 'oidc', preset: 'google', issuer: 'https://accounts.google.com', client_id: 'abc.apps.googleusercontent.com', scope: 'openid email profile', trust_email: true, trust_mfa: false, auto_link: false, create_accounts: true, enabled: true, button_label: 'Continue with Google' })
  t.regex(body.redirect_uri, new RegExp(`^https?://[^/]+/account/sign-in/${name}/callback$`))
  t.false('client_secret' in body)

  const [row] = await server.context.db('identity_providers').where({ name })
  t.not(row.client_secret_sealed, SECRET)
  t.false(String(row.client_secret_sealed).includes(SECRET))
  t.true(String(row.client_secret_sealed).startsWith('v2.'), 'sealed under the data key')
  t.is(await openClientSecret(server.context, row), SECRET)
  t.is((await auditDetails(server, 'idp.created', name)).length, 1)

  const shown = await runCli(['idp:show', name], { env: server.env })
  t.is(shown.code, 0, shown.stderr)
  t.regex(shown.stdout, new RegExp(`redirect_uri: +${body.redirect_uri.replace(/[.?]/g, '\\$&')}`))
  t.false(shown.stdout.includes(SECRET))
  const text = await runCli(['idp:create', uniqueName('text'), '--issuer', 'https://idp.example.com/realms/corp', '--client-id', 'heimdall', '--client-secret', SECRET], { env: server.env })
  t.is(text.code, 0, text.stderr)
  t.regex(text.stdout, /Register this redirect URI at the provider: http.*\/account\/sign-in\/text-.*\/callback/)
  t.false(text.stdout.includes(SECRET))

  const listed = await runCli(['idp:list', '--json'], { env: server.env })
  t.is(listed.code, 0, listed.stderr)
  t.false(listed.stdout.includes(SECRET))
  t.truthy(JSON.parse(listed.stdout).providers.find((provider: { name: string }) => provider.name === name))

  t.is((await runCli(['idp:disable', name], { env: server.env })).code, 0)
  t.false(JSON.parse((await runCli(['idp:show', name, '--json'], { env: server.env })).stdout).enabled)
  t.is((await runCli(['idp:enable', name, '--json'], { env: server.env })).code, 0)
  t.true(JSON.parse((await runCli(['idp:show', name, '--json'], { env: server.env })).stdout).enabled)
  t.is((await auditDetails(server, 'idp.disabled', name)).length, 1)
  t.is((await auditDetails(server, 'idp.enabled', name)).length, 1)

  const deleted = await runCli(['idp:delete', name, '--json'], { env: server.env })
  t.is(deleted.code, 0, deleted.stderr)
  t.deepEqual(JSON.parse(deleted.stdout), { deleted: name, unlinked_identities: 0 })
  t.is((await auditDetails(server, 'idp.deleted', name)).length, 1)
  const gone = await runCli(['idp:show', name], { env: server.env })
  t.is(gone.code, 1)
  t.is(gone.stderr.trim(), `Error: No identity provider named ${name}`)
})

serverTest('idp:create refuses an unsafe or unsound provider with a clear message', async (t, server) => {
  const refusals: Array<[string[], RegExp]> = [
    [['--preset', 'microsoft', '--trust-email'], /never verified: it cannot be trusted/],
    [['--issuer', 'http://idp.example.com'], /must use https \(plain http is allowed on 127\.0\.0\.1, localhost and \[::1\] only\)/],
    [['--issuer', 'not a url'], /must be an absolute URL/],
    [[], /issuer URL is required without a preset/],
    [['--preset', 'google', '--auto-link'], /needs the provider trusted for addresses/],
  ]
  for (const [flags, message] of refusals) {
    const refused = await runCli(['idp:create', uniqueName('bad'), '--client-id', 'id', '--client-secret', SECRET, ...flags], { env: server.env })
    t.is(refused.code, 65, `${flags.join(' ')}: ${refused.stderr}`)
    t.regex(refused.stderr, message, flags.join(' '))
  }
  const badName = await runCli(['idp:create', 'Bad_Name', '--preset', 'github', '--client-id', 'id', '--client-secret', SECRET], { env: server.env })
  t.is(badName.code, 65)
  t.regex(badName.stderr, /lower-case letters, digits and hyphens/)

  const name = uniqueName('twice')
  const loopback = ['--issuer', 'http://127.0.0.1:9/', '--client-id', 'id', '--client-secret', SECRET]
  t.is((await runCli(['idp:create', name, ...loopback], { env: server.env })).code, 0, 'http on a loopback host is allowed')
  const twice = await runCli(['idp:create', name, ...loopback, '--json'], { env: server.env })
  t.is(twice.code, 1)
  t.like(JSON.parse(twice.stdout), { error: { code: 'federation.provider_exists' } })
  t.is((await server.context.db('identity_providers').where({ name })).length, 1)
})

serverTest('data-key:rotate seals the providers\' client secrets again under the new key', async (t, server) => {
  const name = uniqueName('rotated')
  t.is((await runCli(['idp:create', name, '--preset', 'github', '--client-id', 'Iv1.x', '--client-secret', SECRET], { env: server.env })).code, 0)
  const [before] = await server.context.db('identity_providers').where({ name })
  const rotated = await runCli(['data-key:rotate', '--json'], { env: server.env, timeoutMs: 120_000 })
  t.is(rotated.code, 0, rotated.stderr)
  const result = JSON.parse(rotated.stdout)
  t.true(result.resealed.idp_client_secret >= 1)
  const [after] = await server.context.db('identity_providers').where({ name })
  t.not(after.client_secret_sealed, before.client_secret_sealed)
  t.true(String(after.client_secret_sealed).startsWith(`v2.${result.key_id}.`))
  t.is(await openClientSecret(server.context, after), SECRET)
})

test('idp:create --help shows the presets and the secret from stdin', async (t) => {
  const help = await runCli(['idp:create', '--help'])
  t.is(help.code, 0)
  t.regex(help.stdout, /--client-secret-stdin/)
  t.regex(help.stdout, /google\|microsoft\|github/)
})
