import { runCli } from '../../support/cli.js'
import { eventually } from '../../support/eventually.js'
import { claimsOf } from '../../support/jwt.js'
import { bearer, enrolTotp, postJson, sharedServers, totpCode, registerVerifiedAndLogin } from '../../support/mfa.js'
import { TEST_PASSWORD, uniqueEmail } from '../../support/server.js'
import { SoftwareAuthenticator } from '../../support/software-authenticator.js'
import { registerUser } from '../../../src/usecases/users/register-user.js'

const servers = sharedServers({ env: { HEIMDALL_MFA_REQUIRED_ROLES: 'admin' } })
const CLI_TIMEOUT_MS = 120_000

servers.each('HEIMDALL_MFA_REQUIRED_ROLES: an admin without a factor gets an enrolment-only token, enrols, then logs in with the factor', async (t, server) => {
  const { client } = server
  const email = uniqueEmail('admin')
  await registerUser(server.context, { email, password: TEST_PASSWORD, roles: ['admin'], byOperator: true })
  const plain = uniqueEmail('plain')
  t.is((await registerVerifiedAndLogin(server, plain, TEST_PASSWORD)).accessToken.length > 0, true, 'other roles are untouched')

  const refused = await client.login(email, TEST_PASSWORD)
  t.is(refused.statusCode, 403)
  t.is(refused.body.error, 'mfa_enrollment_required')
  t.deepEqual(refused.body.methods, ['totp', 'passkey'])
  t.is(refused.body.expires_in, 600)
  t.is(refused.body.access_token, undefined)
  const enrolment: string = refused.body.enrollment_token
  t.regex(enrolment, /^het_/)

  t.is((await client.me(enrolment)).statusCode, 401, 'the enrolment token is no access token')
  t.false((await client.validate(enrolment)).body.is_valid)
  t.is((await postJson(client, 'auth/mfa/recovery-codes', { password: TEST_PASSWORD }, enrolment)).statusCode, 401)
  t.is((await client.http.get('auth/passkeys', { headers: bearer(enrolment) })).statusCode, 401)
  t.is((await postJson(client, 'auth/logout-all', {}, enrolment)).statusCode, 401)
  t.is((await postJson(client, 'auth/passkeys/register/options', {}, enrolment)).statusCode, 200, 'but it may register a passkey')

  const { secret } = await enrolTotp(client, enrolment)
  const login = await client.login(email, TEST_PASSWORD)
  t.is(login.statusCode, 403)
  t.is(login.body.error, 'mfa_required')
  const done = await postJson(client, 'auth/login/mfa', { mfa_token: login.body.mfa_token, code: await totpCode(secret, 1) })
  t.is(done.statusCode, 200)
  t.deepEqual(claimsOf(done.body.access_token).amr, ['pwd', 'otp', 'mfa'])

  const user = await server.context.db('users').where({ email }).first()
  await server.context.db('mfa_challenges').where({ user_id: user.id, purpose: 'mfa_enrollment' }).update({ expires_at: Date.now() - 1 })
  t.is((await postJson(client, 'auth/passkeys/register/options', {}, enrolment)).statusCode, 401, 'the enrolment token expires')
  t.truthy(await server.context.db('audit_events').where({ user_id: user.id, type: 'login.mfa_enrollment_required' }).first())
})

servers.each('user:mfa shows the factors and user:mfa:reset removes them all and ends every session (--json and text)', async (t, server) => {
  const { client } = server
  const email = uniqueEmail('cli')
  const { accessToken } = await registerVerifiedAndLogin(server, email, TEST_PASSWORD)
  const { secret } = await enrolTotp(client, accessToken)
  const authenticator = new SoftwareAuthenticator('http://localhost:8000')
  const options = await postJson(client, 'auth/passkeys/register/options', {}, accessToken)
  t.is((await postJson(client, 'auth/passkeys/register/verify', { response: authenticator.create(options.body), name: 'Key' }, accessToken)).statusCode, 200)
  const login = await client.login(email, TEST_PASSWORD)
  await postJson(client, 'auth/login/mfa', { mfa_token: login.body.mfa_token, code: await totpCode(secret, 1) })

  const shown = await runCli(['user:mfa', email, '--json'], { env: server.env, timeoutMs: CLI_TIMEOUT_MS })
  t.is(shown.code, 0, shown.stderr)
  const status = JSON.parse(shown.stdout)
  t.is(status.totp.state, 'enabled')
  t.truthy(status.totp.last_used_at)
  t.like(status.recovery_codes, { total: 10, remaining: 10 })
  t.is(status.passkeys.length, 1)
  t.is(status.passkeys[0].name, 'Key')
  const text = await runCli(['user:mfa', email], { env: server.env, timeoutMs: CLI_TIMEOUT_MS })
  t.regex(text.stdout, /totp: +enabled/)
  t.regex(text.stdout, /recovery codes: 10 of 10 left/)

  const reset = await runCli(['user:mfa:reset', email, '--json'], { env: server.env, timeoutMs: CLI_TIMEOUT_MS })
  t.is(reset.code, 0, reset.stderr)
  t.like(JSON.parse(reset.stdout), { removed: { totp: true, recovery_codes: 10, passkeys: 1 } })
  t.true(JSON.parse(reset.stdout).revoked_sessions >= 2)
  // Another process revoked them: the server learns of it at its next revocation poll.
  t.not(await eventually(async () => (await client.validate(accessToken)).body.is_valid === false, 5000), undefined, 'every session ends')
  t.is((await client.login(email, TEST_PASSWORD)).statusCode, 200, 'the password alone logs in again')
  const user = await server.context.db('users').where({ email }).first()
  t.truthy(await server.context.db('audit_events').where({ user_id: user.id, type: 'mfa.reset' }).first())

  const unknown = await runCli(['user:mfa', 'nobody@example.com', '--json'], { env: server.env, timeoutMs: CLI_TIMEOUT_MS })
  t.not(unknown.code, 0)
  t.is(JSON.parse(unknown.stdout).error.code, 'user.not_found')
})
