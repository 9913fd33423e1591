// Pre-account takeover: someone registers V's address and sets things up before V ever proves the
// mailbox; V's first proof (the reset link, or the verification link) ends all of it and says so.
// Real SMTP server, mails parsed off the wire; one Heimdall per backend for the file.
import test, { type ExecutionContext } from 'ava'
import { backends, type Backend } from '../../support/db.js'
import { claimsOf } from '../../support/jwt.js'
import { linkMail, SUBJECTS } from '../../support/mail-links.js'
import { enrolTotp, postJson, totpCode } from '../../support/mfa.js'
import { startTestServer, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp.js'
import { SoftwareAuthenticator } from '../../support/software-authenticator.js'

const PUBLIC_URL = 'https://auth.example.test'
const NEW_PASSWORD = 'Brand-New-Pass-456'
let smtp: TestSmtpServer
const servers = new Map<Backend, TestServer>()

test.before(async () => {
  smtp = await startSmtpServer()
  await Promise.all(
    backends().map(async (backend) =>
      servers.set(backend, await startTestServer(backend, { env: { HEIMDALL_SMTP_URL: smtp.url, HEIMDALL_MAIL_POLL_MS: '100', HEIMDALL_PUBLIC_URL: PUBLIC_URL, HEIMDALL_RATE_LIMIT_PER_MINUTE: '0' } })),
    ),
  )
})

test.after.always(async () => {
  await Promise.all([...servers.values()].map((server) => server.close()))
  await smtp?.close()
})

/**
 * The squatter's account as it could stand before enrolment required a proven address (or on data
 * from before that rule): a TOTP app, a passkey, a second session, and an email change to their own
 * address under way. The address is made to count as verified only while they enrol, straight in the
 * database, so that the verification link mailed at registration stays live.
 */
async function squat(t: ExecutionContext, server: TestServer, email: string) {
  const { client, context } = server
  t.is((await client.register(email, TEST_PASSWORD)).statusCode, 200)
  const { accessToken, refreshToken } = await client.loginTokens(email, TEST_PASSWORD)
  await context.db('users').where({ email }).update({ email_verified_at: Date.now() })
  const { secret } = await enrolTotp(client, accessToken)
  const key = new SoftwareAuthenticator(PUBLIC_URL)
  const options = await postJson(client, 'auth/passkeys/register/options', {}, accessToken)
  t.is((await postJson(client, 'auth/passkeys/register/verify', { response: key.create(options.body), name: 'Squatter' }, accessToken)).statusCode, 200)
  const change = await postJson(client, 'auth/email/change', { new_email: uniqueEmail('squatter'), password: TEST_PASSWORD }, accessToken)
  t.is(change.statusCode, 202, JSON.stringify(change.body))
  await context.db('users').where({ email }).update({ email_verified_at: null })
  const login = await client.login(email, TEST_PASSWORD)
  const second = await postJson(client, 'auth/login/mfa', { mfa_token: login.body.mfa_token, code: await totpCode(secret, 1) })
  t.is(second.statusCode, 200)
  return { key, accessToken, refreshToken, mfaAccessToken: second.body.access_token as string }
}

/** Everything the squatter set up is gone: tokens, the passkey, the factor at V's login, the pending change. */
async function assertTakenBack(t: ExecutionContext, server: TestServer, email: string, password: string, squatter: Awaited<ReturnType<typeof squat>>) {
  const { client, context } = server
  t.false((await client.validate(squatter.accessToken)).body.is_valid)
  t.false((await client.validate(squatter.mfaAccessToken)).body.is_valid)
  t.is((await client.refresh(squatter.refreshToken)).statusCode, 401)
  const options = await postJson(client, 'auth/passkeys/login/options', {})
  t.is((await postJson(client, 'auth/passkeys/login/verify', { response: squatter.key.get(options.body) })).statusCode, 400, "the squatter's passkey no longer signs in")
  const login = await client.login(email, password)
  t.is(login.statusCode, 200, "V's login asks for no factor of the squatter's")
  t.deepEqual(claimsOf(login.body.access_token).amr, ['pwd'])
  const user = await context.users.findUserByEmail(email)
  t.is((await context.db('user_tokens').where({ user_id: user!.id, purpose: 'email_change' }).whereNull('spent_at').whereNull('superseded_at')).length, 0, 'the email change is no longer pending')
  return user!.id
}

const ENDED = { sessions: 2, totp: true, passkeys: 1, recovery_codes: 10, oidc_grants: 0, oidc_consents: 0 }

for (const backend of backends()) {
  test(`the reset link that first proves the mailbox ends every session, factor and pending link set up before it, and says so [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const email = uniqueEmail('victim-reset')
    const squatter = await squat(t, server, email)

    t.is((await server.client.post('auth/password/forgot', { email })).statusCode, 202)
    const { token } = await linkMail(smtp, email, SUBJECTS.reset)
    const reset = await server.client.post('auth/password/reset', { token, new_password: NEW_PASSWORD })
    t.is(reset.statusCode, 200, JSON.stringify(reset.body))
    t.like(reset.body.ended_at_first_proof, ENDED)
    t.true(reset.body.ended_at_first_proof.links >= 2, 'the verification and email-change links')
    t.regex(reset.body.notice, /proved the address for the first time.*2 sessions, the authenticator app, 1 passkey, 10 recovery codes/)

    const userId = await assertTakenBack(t, server, email, NEW_PASSWORD, squatter)
    const event = await server.context.db('audit_events').where({ user_id: userId, type: 'password.reset' }).first()
    t.like(JSON.parse(event.detail).ended_at_first_proof, ENDED)
  })

  test(`the verification link that first proves the mailbox does the same; a later reset ends only sessions [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const email = uniqueEmail('victim-verify')
    const squatter = await squat(t, server, email)

    const { token } = await linkMail(smtp, email, SUBJECTS.verify)
    const verified = await server.client.post('auth/email/verify', { token })
    t.is(verified.statusCode, 200, JSON.stringify(verified.body))
    t.is(verified.body.message, 'Email address verified')
    t.like(verified.body.ended_at_first_proof, ENDED)
    t.regex(verified.body.notice, /proved the address for the first time/)
    const userId = await assertTakenBack(t, server, email, TEST_PASSWORD, squatter)
    const event = await server.context.db('audit_events').where({ user_id: userId, type: 'email.verified' }).first()
    t.like(JSON.parse(event.detail).ended_at_first_proof, ENDED)
    // Its events (docs/events.md): the address verified, the squatter's sessions ended, the factors removed.
    const events = (await server.context.db('audit_events').where({ user_id: userId }).whereNotNull('event_id').orderBy('id')).map((row) => [row.event_type, JSON.parse(row.payload)])
    const fromProof = events.slice(events.findIndex(([type]) => type === 'user.updated'))
    t.like(fromProof, [['user.updated', { changes: ['email_verified'] }], ['session.revoked', { reason: 'reset', count: 2 }], ['mfa.removed', { method: 'all', by: 'system' }]])

    t.is((await server.client.post('auth/password/forgot', { email })).statusCode, 202)
    const reset = await server.client.post('auth/password/reset', { token: (await linkMail(smtp, email, SUBJECTS.reset)).token, new_password: NEW_PASSWORD })
    t.is(reset.statusCode, 200)
    t.is(reset.body.ended_at_first_proof, undefined, 'the address was proven already: nothing more to take back')
  })
}
