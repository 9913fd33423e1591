// A pending email-change link, asked for by whoever held the password and a session, ends when the
// password is replaced (a reset link, the account page): before, confirming it after the owner's
// reset moved the account to the other person's address, already verified.
import test from 'ava'
import { backends, type Backend } from '../../support/db.js'
import { linkMail, SUBJECTS } from '../../support/mail-links.js'
import { postJson } from '../../support/mfa.js'
import { findAccountSession, openAccountSession } from '../../../src/usecases/sessions/account-session.js'
import { changePassword } from '../../../src/usecases/users/change-password.js'
import { startTestServer, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp.js'

let smtp: TestSmtpServer
const servers = new Map<Backend, TestServer>()

test.before(async () => {
  smtp = await startSmtpServer()
  for (const backend of backends()) {
    servers.set(backend, await startTestServer(backend, { env: { HEIMDALL_SMTP_URL: smtp.url, HEIMDALL_MAIL_POLL_MS: '100', HEIMDALL_RATE_LIMIT_PER_MINUTE: '0' } }))
  }
})

test.after.always(async () => {
  for (const server of servers.values()) await server.close()
  await smtp?.close()
})

for (const backend of backends()) {
  for (const how of ['reset link', 'self-service change'] as const) {
    test(`an email change requested before a password ${how} no longer completes after it [${backend}]`, async (t) => {
      const { client, context } = servers.get(backend)!
      const owner = uniqueEmail('owner')
      const attacker = uniqueEmail('attacker')
      t.is((await client.register(owner, TEST_PASSWORD)).statusCode, 200)
      // The owner proves the mailbox first, so this is not the first-proof (pre-account takeover) case.
      const verify = await linkMail(smtp, owner, SUBJECTS.verify)
      t.is((await client.post('auth/email/verify', { token: verify.token })).statusCode, 200)

      // The attacker has a session and the password (phished): asks to move the account to their address.
      const stolen = await client.loginTokens(owner, TEST_PASSWORD)
      const change = await postJson(client, 'auth/email/change', { new_email: attacker, password: TEST_PASSWORD }, stolen.accessToken)
      t.is(change.statusCode, 202)
      const { token: changeToken } = await linkMail(smtp, attacker, SUBJECTS.change)

      // The owner gets the notice and takes the account back by changing the password.
      if (how === 'reset link') {
        t.is((await client.post('auth/password/forgot', { email: owner })).statusCode, 202)
        const reset = await linkMail(smtp, owner, SUBJECTS.reset)
        t.is((await client.post('auth/password/reset', { token: reset.token, new_password: 'Brand-New-Pass-456' })).statusCode, 200)
      } else {
        // The account page's "Change password" (the same use case its form runs).
        const mine = await client.loginTokens(owner, TEST_PASSWORD)
        const sid = JSON.parse(Buffer.from(mine.accessToken.split('.')[1], 'base64url').toString()).sid as string
        const account = await findAccountSession(context, await openAccountSession(context, { sessionId: sid } as never))
        const changed = await changePassword(context, account!, { currentPassword: TEST_PASSWORD, newPassword: 'Brand-New-Pass-456' })
        t.true(changed.revokedSessions >= 1)
      }
      t.false((await client.validate(stolen.accessToken)).body.is_valid, "the attacker's session is over")

      // The attacker's link, requested in that session, must not work any more.
      const confirmed = await client.post('auth/email/change/confirm', { token: changeToken })
      const user = await context.users.findUserByEmail(owner)
      t.truthy(user, `the account still belongs to the owner's address (confirm answered ${confirmed.statusCode} ${JSON.stringify(confirmed.body)})`)
      t.is(confirmed.statusCode, 400)
    })
  }
}
