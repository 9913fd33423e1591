import type { ExecutionContext } from 'ava'
import { claimsOf } from '../../support/jwt.js'
import { postJson, sharedServers } from '../../support/mfa.js'
import { TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'
import { SoftwareAuthenticator } from '../../support/software-authenticator.js'
import { changeUserRole } from '../../../src/usecases/roles/change-user-role.js'
import { markEmailVerified } from '../../../src/usecases/recovery/mark-email-verified.js'

const PUBLIC_URL = 'https://auth.example.test'
const servers = sharedServers({ env: { HEIMDALL_PUBLIC_URL: PUBLIC_URL, HEIMDALL_MFA_REQUIRED_ROLES: 'admin' } })
const ADMIN_ONLY = 'role:manage'

/** A verified user with a passkey made by `authenticator`, signed in with the password only; answers that session's tokens. */
async function userWithPasskey(t: ExecutionContext, server: TestServer, authenticator: SoftwareAuthenticator): Promise<{ email: string; accessToken: string; refreshToken: string }> {
  const { client } = server
  const email = uniqueEmail('rule')
  t.is((await client.register(email, TEST_PASSWORD)).statusCode, 200)
  await markEmailVerified(server.context, { email })
  const tokens = await client.loginTokens(email, TEST_PASSWORD)
  const options = await postJson(client, 'auth/passkeys/register/options', {}, tokens.accessToken)
  const registered = await postJson(client, 'auth/passkeys/register/verify', { response: authenticator.create(options.body), name: 'Key' }, tokens.accessToken)
  t.is(registered.statusCode, 200, JSON.stringify(registered.body))
  return { email, ...tokens }
}

async function passwordless(server: TestServer, authenticator: SoftwareAuthenticator) {
  const options = await postJson(server.client, 'auth/passkeys/login/options', {})
  return postJson(server.client, 'auth/passkeys/login/verify', { response: authenticator.get(options.body) })
}

servers.each('second-factor rule: a passkey without user verification is one factor; an admin cannot sign in with it alone', async (t, server) => {
  const authenticator = new SoftwareAuthenticator(PUBLIC_URL, { userVerified: false })
  const { email } = await userWithPasskey(t, server, authenticator)
  const plain = await passwordless(server, authenticator)
  t.is(plain.statusCode, 200, 'a user without a required role may')
  t.deepEqual(claimsOf(plain.body.access_token).amr, ['hwk'])

  await changeUserRole(server.context, { email, role: 'admin', grant: true })
  const refused = await passwordless(server, authenticator)
  t.is(refused.statusCode, 403, JSON.stringify(refused.body))
  t.is(refused.body.access_token, undefined)
  t.regex(refused.body.error, /needs two factors: use a passkey that verifies you/)
  const user = await server.context.users.findUserByEmail(email)
  const audited = await server.context.db('audit_events').where({ user_id: user!.id, type: 'login.failed' }).select('detail')
  t.true(audited.some((row: { detail: string }) => String(row.detail).includes('second_factor_required')))

  const login = await server.client.login(email, TEST_PASSWORD)
  t.is(login.body.error, 'mfa_required')
  const scoped = await postJson(server.client, 'auth/passkeys/login/options', { mfa_token: login.body.mfa_token })
  const second = await postJson(server.client, 'auth/login/mfa', { mfa_token: login.body.mfa_token, passkey_response: authenticator.get(scoped.body) })
  t.is(second.statusCode, 200, 'password plus the key is two factors')
  t.deepEqual(claimsOf(second.body.access_token).amr, ['pwd', 'hwk', 'mfa'])
  t.true(claimsOf(second.body.access_token).permissions.includes(ADMIN_ONLY))
})

servers.each('second-factor rule: a user-verifying passkey alone is multi-factor and carries the role', async (t, server) => {
  const authenticator = new SoftwareAuthenticator(PUBLIC_URL, { userVerified: true })
  const { email } = await userWithPasskey(t, server, authenticator)
  await changeUserRole(server.context, { email, role: 'admin', grant: true })
  const signedIn = await passwordless(server, authenticator)
  t.is(signedIn.statusCode, 200, JSON.stringify(signedIn.body))
  t.deepEqual(claimsOf(signedIn.body.access_token).amr, ['hwk', 'mfa'])
  t.true(claimsOf(signedIn.body.access_token).permissions.includes(ADMIN_ONLY))
  t.true((await server.client.validate(signedIn.body.access_token)).body.permissions.includes(ADMIN_ONLY))
})

servers.each('second-factor rule: a one-factor session opened before user:grant admin gains nothing, on validation or refresh', async (t, server) => {
  const { client } = server
  const { email, accessToken, refreshToken } = await userWithPasskey(t, server, new SoftwareAuthenticator(PUBLIC_URL))
  const before = await client.validate(accessToken)
  t.true(before.body.is_valid)
  t.false(before.body.permissions.includes(ADMIN_ONLY))

  await changeUserRole(server.context, { email, role: 'admin', grant: true })
  const after = await client.validate(accessToken)
  t.true(after.body.is_valid, 'the session still stands')
  t.deepEqual(after.body.permissions, before.body.permissions, 'but without the role its sign-in does not meet')
  const refreshed = await client.refresh(refreshToken)
  t.is(refreshed.statusCode, 200)
  t.false(claimsOf(refreshed.body.access_token).permissions.includes(ADMIN_ONLY))
  t.deepEqual(claimsOf(refreshed.body.access_token).amr, ['pwd'])
  t.false((await client.validate(refreshed.body.access_token)).body.permissions.includes(ADMIN_ONLY))

  await changeUserRole(server.context, { email, role: 'admin', grant: false })
  await changeUserRole(server.context, { email, role: 'user', grant: false })
  const none = await client.validate(accessToken)
  t.deepEqual(none.body.permissions, [], 'a role revoked is gone as before')
})

servers.each('second-factor rule: the MFA step accepts only an assertion over a challenge issued for that mfa_token', async (t, server) => {
  const { client } = server
  const authenticator = new SoftwareAuthenticator(PUBLIC_URL)
  const { email } = await userWithPasskey(t, server, authenticator)
  const first = await client.login(email, TEST_PASSWORD)
  const second = await client.login(email, TEST_PASSWORD)
  t.is(first.body.error, 'mfa_required')

  const passwordlessOptions = await postJson(client, 'auth/passkeys/login/options', { email })
  const unbound = await postJson(client, 'auth/login/mfa', { mfa_token: first.body.mfa_token, passkey_response: authenticator.get(passwordlessOptions.body) })
  t.is(unbound.statusCode, 400, 'a passwordless login challenge is no second step')
  const forSecond = await postJson(client, 'auth/passkeys/login/options', { mfa_token: second.body.mfa_token })
  const crossed = await postJson(client, 'auth/login/mfa', { mfa_token: first.body.mfa_token, passkey_response: authenticator.get(forSecond.body) })
  t.is(crossed.statusCode, 400, "another sign-in's challenge")

  const forFirst = await postJson(client, 'auth/passkeys/login/options', { mfa_token: first.body.mfa_token })
  const secondStepAssertion = authenticator.get(forFirst.body)
  t.is((await postJson(client, 'auth/passkeys/login/verify', { response: secondStepAssertion })).statusCode, 400, 'nor is a second-step challenge a passwordless login')
  const forFirstAgain = await postJson(client, 'auth/passkeys/login/options', { mfa_token: first.body.mfa_token })
  const done = await postJson(client, 'auth/login/mfa', { mfa_token: first.body.mfa_token, passkey_response: authenticator.get(forFirstAgain.body) })
  t.is(done.statusCode, 200, JSON.stringify(done.body))
  t.deepEqual(claimsOf(done.body.access_token).amr, ['pwd', 'hwk', 'mfa'])
})
