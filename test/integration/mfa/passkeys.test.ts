import { createHash } from 'node:crypto'
import type { ExecutionContext } from 'ava'
import { claimsOf } from '../../support/jwt.js'
import { bearer, postJson, sharedServers, registerVerifiedAndLogin } from '../../support/mfa.js'
import { TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'
import { SoftwareAuthenticator } from '../../support/software-authenticator.js'

const PUBLIC_URL = 'https://auth.example.test'
const servers = sharedServers({ env: { HEIMDALL_PUBLIC_URL: PUBLIC_URL } })

/** Registers a passkey made by `authenticator` for the holder of `token`; answers the verify response. */
async function register(t: ExecutionContext, server: TestServer, token: string, authenticator: SoftwareAuthenticator, name = 'Laptop') {
  const options = await postJson(server.client, 'auth/passkeys/register/options', {}, token)
  t.is(options.statusCode, 200, JSON.stringify(options.body))
  return postJson(server.client, 'auth/passkeys/register/verify', { response: authenticator.create(options.body), name }, token)
}

async function userIdOf(server: TestServer, email: string): Promise<string> {
  return (await server.context.db('users').where({ email }).first()).id
}

servers.each('passkeys: register, list, log in without a password and as the second step; amr says how', async (t, server) => {
  const { client } = server
  const email = uniqueEmail('passkey')
  const { accessToken } = await registerVerifiedAndLogin(server, email, TEST_PASSWORD)
  const authenticator = new SoftwareAuthenticator(PUBLIC_URL)

  const options = await postJson(client, 'auth/passkeys/register/options', {}, accessToken)
  t.is(options.body.rp.id, 'auth.example.test', 'the relying party is HEIMDALL_PUBLIC_URL')
  t.is(options.body.user.name, email)
  t.is(options.body.authenticatorSelection.residentKey, 'required')
  const registered = await postJson(client, 'auth/passkeys/register/verify', { response: authenticator.create(options.body), name: 'Laptop' }, accessToken)
  t.is(registered.statusCode, 200, JSON.stringify(registered.body))
  t.is(registered.body.name, 'Laptop')
  t.regex(registered.body.created_at, /^\d{4}-\d\d-\d\dT/)
  const listed = await client.http.get<{ passkeys: Array<{ id: string }> }>('auth/passkeys', { headers: bearer(accessToken) })
  t.deepEqual(listed.body.passkeys.map((passkey) => passkey.id), [registered.body.id])
  t.is((await register(t, server, accessToken, authenticator)).statusCode, 400, 'the same credential twice is refused')

  const discoverable = await postJson(client, 'auth/passkeys/login/options', {})
  t.is(discoverable.statusCode, 200)
  t.is(discoverable.body.allowCredentials, undefined, 'no email: the authenticator offers its discoverable credentials')
  const passwordless = await postJson(client, 'auth/passkeys/login/verify', { response: authenticator.get(discoverable.body) })
  t.is(passwordless.statusCode, 200, JSON.stringify(passwordless.body))
  t.deepEqual(claimsOf(passwordless.body.access_token).amr, ['hwk', 'mfa'], 'a user-verifying device-bound key')
  t.deepEqual((await client.validate(passwordless.body.access_token)).body.amr, ['hwk', 'mfa'])

  const login = await client.login(email, TEST_PASSWORD)
  t.is(login.statusCode, 403)
  t.deepEqual(login.body.methods, ['passkey'])
  const scoped = await postJson(client, 'auth/passkeys/login/options', { mfa_token: login.body.mfa_token })
  t.deepEqual(scoped.body.allowCredentials.map((credential: { id: string }) => credential.id), [authenticator.id])
  const byEmail = await postJson(client, 'auth/passkeys/login/options', { email })
  t.deepEqual(byEmail.body.allowCredentials.map((credential: { id: string }) => credential.id), [authenticator.id])
  const second = await postJson(client, 'auth/login/mfa', { mfa_token: login.body.mfa_token, passkey_response: authenticator.get(scoped.body) })
  t.is(second.statusCode, 200, JSON.stringify(second.body))
  t.deepEqual(claimsOf(second.body.access_token).amr, ['pwd', 'hwk', 'mfa'])

  const userId = await userIdOf(server, email)
  const events = (await server.context.db('audit_events').where({ user_id: userId }).select('type')).map((row: { type: string }) => row.type)
  t.true(events.includes('passkey.registered'))
  // The same entry is the catalogue's passkey.added event (docs/events.md).
  const [added] = await server.context.db('audit_events').where({ user_id: userId, event_type: 'passkey.added' })
  t.like(JSON.parse(added.payload), { user_id: userId })
  t.is(events.filter((type) => type === 'login.succeeded').length, 3)
})

servers.each('passkeys: challenges are single use, short-lived and bound to origin and user', async (t, server) => {
  const { client } = server
  const email = uniqueEmail('challenge')
  const { accessToken } = await registerVerifiedAndLogin(server, email, TEST_PASSWORD)
  const other = await registerVerifiedAndLogin(server, uniqueEmail('other'), TEST_PASSWORD)
  const authenticator = new SoftwareAuthenticator(PUBLIC_URL)

  const foreignOptions = await postJson(client, 'auth/passkeys/register/options', {}, other.accessToken)
  t.is((await postJson(client, 'auth/passkeys/register/verify', { response: authenticator.create(foreignOptions.body) }, accessToken)).statusCode, 400, "another user's challenge")
  t.is((await register(t, server, accessToken, new SoftwareAuthenticator('https://evil.example.test'))).statusCode, 400, 'wrong origin')
  t.is((await register(t, server, accessToken, authenticator)).statusCode, 200)

  const options = await postJson(client, 'auth/passkeys/login/options', {})
  const assertion = authenticator.get(options.body)
  t.is((await postJson(client, 'auth/passkeys/login/verify', { response: assertion })).statusCode, 200)
  t.is((await postJson(client, 'auth/passkeys/login/verify', { response: assertion })).statusCode, 400, 'the challenge was spent')

  const phished = await postJson(client, 'auth/passkeys/login/options', {})
  t.is((await postJson(client, 'auth/passkeys/login/verify', { response: authenticator.get(phished.body, { origin: 'https://evil.example.test' }) })).statusCode, 400)
  t.is((await postJson(client, 'auth/passkeys/login/verify', { response: authenticator.get(phished.body) })).statusCode, 400, 'a failed attempt spends the challenge too')

  const late = await postJson(client, 'auth/passkeys/login/options', {})
  const lateHash = createHash('sha256').update(late.body.challenge).digest('hex')
  t.is(await server.context.db('mfa_challenges').where({ secret_hash: lateHash }).update({ expires_at: Date.now() - 1 }), 1)
  t.is((await postJson(client, 'auth/passkeys/login/verify', { response: authenticator.get(late.body) })).statusCode, 400, 'expired')
})

servers.each('passkeys: a signature counter that does not advance (a cloned authenticator) is refused and audited', async (t, server) => {
  const { client } = server
  const email = uniqueEmail('clone')
  const { accessToken } = await registerVerifiedAndLogin(server, email, TEST_PASSWORD)
  const authenticator = new SoftwareAuthenticator(PUBLIC_URL)
  t.is((await register(t, server, accessToken, authenticator)).statusCode, 200)
  for (let i = 0; i < 2; i++) {
    const options = await postJson(client, 'auth/passkeys/login/options', { email })
    t.is((await postJson(client, 'auth/passkeys/login/verify', { response: authenticator.get(options.body) })).statusCode, 200)
  }
  const options = await postJson(client, 'auth/passkeys/login/options', { email })
  const cloned = await postJson(client, 'auth/passkeys/login/verify', { response: authenticator.get(options.body, { signCount: 2 }) })
  t.is(cloned.statusCode, 400)
  const userId = await userIdOf(server, email)
  const clone = await server.context.db('audit_events').where({ user_id: userId, type: 'passkey.clone_detected' }).first()
  t.truthy(clone)
  t.like(JSON.parse(clone.detail), { stored_sign_count: 2, presented_sign_count: 2 })
  const next = await postJson(client, 'auth/passkeys/login/options', { email })
  t.is((await postJson(client, 'auth/passkeys/login/verify', { response: authenticator.get(next.body, { signCount: 3 }) })).statusCode, 200, 'the genuine authenticator goes on')
})

servers.each('passkeys: a synced passkey is "swk"; delete removes only your own, and the last factor takes the codes along', async (t, server) => {
  const { client } = server
  const email = uniqueEmail('synced')
  const { accessToken } = await registerVerifiedAndLogin(server, email, TEST_PASSWORD)
  const other = await registerVerifiedAndLogin(server, uniqueEmail('stranger'), TEST_PASSWORD)
  const authenticator = new SoftwareAuthenticator(PUBLIC_URL, { backedUp: true, userVerified: false })
  const registered = await register(t, server, accessToken, authenticator, 'Phone')
  t.is(registered.body.backed_up, true)
  const options = await postJson(client, 'auth/passkeys/login/options', {})
  const login = await postJson(client, 'auth/passkeys/login/verify', { response: authenticator.get(options.body) })
  t.deepEqual(claimsOf(login.body.access_token).amr, ['swk'], 'without user verification a passkey is one factor')

  const codes = await postJson(client, 'auth/mfa/recovery-codes', { password: TEST_PASSWORD }, accessToken)
  t.is(codes.statusCode, 200)
  t.is((await client.http.delete(`auth/passkeys/${registered.body.id}`, { headers: bearer(other.accessToken) })).statusCode, 404)
  t.is((await client.http.delete('auth/passkeys/not-a-uuid', { headers: bearer(accessToken) })).statusCode, 404)
  t.is((await client.http.delete(`auth/passkeys/${registered.body.id}`)).statusCode, 401)
  t.is((await client.http.delete(`auth/passkeys/${registered.body.id}`, { headers: bearer(accessToken) })).statusCode, 204)
  t.is((await client.login(email, TEST_PASSWORD)).statusCode, 200, 'no factor left: the one-step login is back')
  const userId = await userIdOf(server, email)
  t.is((await server.context.db('mfa_recovery_codes').where({ user_id: userId })).length, 0)
  t.truthy(await server.context.db('audit_events').where({ user_id: userId, type: 'passkey.deleted', event_type: 'passkey.removed' }).first())
})
