// Email verification and email change over HTTP and the CLI, against a real SMTP server: the
// verification mail of every registration, email_verified in the validation body, /auth/me,
// introspection and the access token, resend, HEIMDALL_REQUIRE_VERIFIED_EMAIL (on a second instance
// of the same database), user:verify-email, and the change: link to the new address, notice to the
// old one, taken addresses refused at request and at confirmation, validation showing the new
// address at once. One SMTP server and, per backend, one Heimdall and one strict instance.
import test from 'ava'
import { claimsOf } from '../../support/jwt.js'
import { runCli } from '../../support/cli.js'
import { backends, type Backend } from '../../support/db.js'
import { eventually } from '../../support/eventually.js'
import { linkMail, SUBJECTS } from '../../support/mail-links.js'
import { FormBrowser, formsOf } from '../../support/oidc-http-sign-in.js'
import { startSecondInstance, startTestServer, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp.js'

let smtp: TestSmtpServer
type Instance = Awaited<ReturnType<typeof startSecondInstance>>
const instances = new Map<Backend, { server: TestServer; strict: Instance }>()

test.before(async () => {
  smtp = await startSmtpServer()
  for (const backend of backends()) {
    const server = await startTestServer(backend, { env: { HEIMDALL_SMTP_URL: smtp.url, HEIMDALL_MAIL_POLL_MS: '100', HEIMDALL_REVOCATION_POLL_MS: '50' } })
    instances.set(backend, { server, strict: await startSecondInstance(server, { HEIMDALL_REQUIRE_VERIFIED_EMAIL: 'true' }) })
  }
})

test.after.always(async () => {
  for (const { server, strict } of instances.values()) {
    await strict.close()
    await server.close()
  }
  await smtp?.close()
})

function introspect(client: TestServer['client'], token: string) {
  return client.http.post<Record<string, any>>('oauth/introspect', { form: { token } })
}

for (const backend of backends()) {
  const get = () => instances.get(backend)!

  test(`registration mails a verification link; confirming it ends the sessions from before and shows in validation, /auth/me, introspection and new tokens [${backend}]`, async (t) => {
    const { server, strict } = get()
    const email = uniqueEmail('verify')
    t.is((await server.client.register(email, TEST_PASSWORD)).statusCode, 200)
    const { mail, token } = await linkMail(smtp, email, SUBJECTS.verify)
    t.regex(mail.link!, /^http:\/\/localhost:8000\/account\/verify-email\?token=[A-Za-z0-9_-]{43}$/)

    const { accessToken, refreshToken } = await server.client.loginTokens(email, TEST_PASSWORD)
    t.false(claimsOf(accessToken).email_verified, 'the access token says so')
    t.false((await server.client.validate(accessToken)).body.email_verified)
    t.false((await server.client.me(accessToken)).body.email_verified)
    t.false((await introspect(server.client, accessToken)).body.email_verified)
    const refused = await strict.client.login(email, TEST_PASSWORD)
    t.is(refused.statusCode, 403)
    t.deepEqual(refused.body, { error: 'Email address is not verified', status_code: 403, path: '/auth/login', code: 'auth.email_not_verified' })
    t.is((await strict.client.login(email, 'Wrong-Pass-1')).statusCode, 400, 'a wrong password says nothing about verification')

    const verified = await server.client.post('auth/email/verify', { token })
    t.is(verified.statusCode, 200)
    // The first proof of the mailbox ends the session opened before it (docs/security.md, pre-account takeover), and says so.
    t.like(verified.body, { message: 'Email address verified', email, ended_at_first_proof: { sessions: 1, totp: false, passkeys: 0 } })
    t.regex(verified.body.notice, /has been ended: 1 session\.$/)
    t.false((await server.client.validate(accessToken)).body.is_valid, 'the session from before the proof is over')
    t.truthy(await eventually(async () => (await strict.client.validate(accessToken)).body.is_valid === false, 3000), 'on the other instance too')
    t.is((await server.client.refresh(refreshToken)).statusCode, 401)
    const after = await server.client.loginTokens(email, TEST_PASSWORD)
    t.true(claimsOf(after.accessToken).email_verified, 'new tokens carry the claim')
    t.true((await server.client.validate(after.accessToken)).body.email_verified)
    t.true((await server.client.me(after.accessToken)).body.email_verified)
    t.true((await introspect(server.client, after.accessToken)).body.email_verified)
    t.truthy(await eventually(async () => (await strict.client.validate(after.accessToken)).body.email_verified === true, 3000), 'and on the other instance')
    t.is((await strict.client.login(email, TEST_PASSWORD)).statusCode, 200, 'the strict instance lets a verified account in')

    const reused = await server.client.post('auth/email/verify', { token })
    t.deepEqual(reused.body, { error: 'This link was already used', status_code: 400, path: '/auth/email/verify', code: 'recovery.invalid_token' })
    const resent = await server.client.http.post<Record<string, any>>('auth/email/verify/resend', { headers: { authorization: `Bearer ${after.accessToken}` } })
    t.is(resent.statusCode, 202)
    t.is(resent.body.message, 'Your email address is already verified')
  })

  test(`resend sends a new link that replaces the old, three an hour at most; user:create mails one too; user:verify-email vouches [${backend}]`, async (t) => {
    const { server } = get()
    const email = uniqueEmail('resend')
    await server.client.register(email, TEST_PASSWORD)
    const first = await linkMail(smtp, email, SUBJECTS.verify, 0)
    const { accessToken } = await server.client.loginTokens(email, TEST_PASSWORD)
    const resend = () => server.client.http.post<Record<string, any>>('auth/email/verify/resend', { headers: { authorization: `Bearer ${accessToken}` } })
    const resent = await resend()
    t.is(resent.statusCode, 202)
    t.deepEqual(resent.body, { message: 'A new verification link has been sent' })
    const second = await linkMail(smtp, email, SUBJECTS.verify, 1)
    t.is((await server.client.post('auth/email/verify', { token: first.token })).body.error, 'A newer link replaced this one: use the latest mail')
    await resend()
    await resend()
    const capped = await resend()
    t.is(capped.statusCode, 429)
    t.truthy(capped.headers['retry-after'])
    t.is((await server.client.http.post('auth/email/verify/resend')).statusCode, 401)
    t.is((await server.client.post('auth/email/verify', { token: second.token })).body.error, 'A newer link replaced this one: use the latest mail')

    const created = uniqueEmail('cli')
    t.is((await runCli(['user:create', created, '--password', TEST_PASSWORD], { env: server.env })).code, 0)
    await linkMail(smtp, created, SUBJECTS.verify)
    t.false(JSON.parse((await runCli(['user:show', created, '--json'], { env: server.env })).stdout).email_verified)
    const vouched = await runCli(['user:verify-email', created], { env: server.env })
    t.is(vouched.code, 0, vouched.stderr)
    t.regex(vouched.stdout, /is now verified/)
    const { accessToken: createdToken } = await server.client.loginTokens(created, TEST_PASSWORD)
    t.true((await server.client.validate(createdToken)).body.email_verified)
    t.true(JSON.parse((await runCli(['user:show', created, '--json'], { env: server.env })).stdout).email_verified)
    t.regex((await runCli(['user:verify-email', created], { env: server.env })).stdout, /was already verified/)
  })

  test(`email change: link to the new address, notice to the old; validation shows the new address at once; taken addresses refused [${backend}]`, async (t) => {
    const { server, strict } = get()
    const email = uniqueEmail('mover')
    const target = uniqueEmail('moved')
    const taken = uniqueEmail('taken')
    await server.client.register(email, TEST_PASSWORD)
    await server.client.register(taken, TEST_PASSWORD)
    const { accessToken } = await server.client.loginTokens(email, TEST_PASSWORD)
    t.true((await strict.client.validate(accessToken)).body.is_valid, 'the other instance caches the session')
    const change = (body: Record<string, unknown>, token: string | null = accessToken) =>
      server.client.http.post<Record<string, any>>('auth/email/change', { json: body, headers: token ? { authorization: `Bearer ${token}` } : {} })

    t.is((await change({ new_email: target, password: TEST_PASSWORD }, null)).statusCode, 401)
    const wrong = await change({ new_email: target, password: 'Wrong-Pass-1' })
    t.deepEqual(wrong.body, { error: 'Incorrect password', status_code: 400, path: '/auth/email/change', code: 'auth.invalid_credentials' })
    const takenNow = await change({ new_email: taken.toUpperCase(), password: TEST_PASSWORD })
    t.deepEqual(takenNow.body, { error: 'Email already registered', status_code: 400, path: '/auth/email/change', code: 'user.email_taken' })
    t.is((await change({ new_email: 'nope', password: TEST_PASSWORD })).statusCode, 422)
    t.is((await change({ new_email: email, password: TEST_PASSWORD })).statusCode, 422, 'the current address is not a change')

    const requested = await change({ new_email: target, password: TEST_PASSWORD })
    t.is(requested.statusCode, 202)
    const { mail, token } = await linkMail(smtp, target, SUBJECTS.change)
    t.regex(mail.link!, /\/account\/verify-email\?token=/)
    t.true(mail.text.includes(email) && mail.text.includes(target))
    const [notice] = await smtp.mailsTo(email, (received) => received.subject === SUBJECTS.changeNotice)
    t.true(notice.text.includes(target), 'the old address hears of it')
    t.is((await server.client.validate(accessToken)).body.email, email, 'nothing changes before the link is used')

    const confirmed = await server.client.post('auth/email/change/confirm', { token })
    t.is(confirmed.statusCode, 200)
    t.deepEqual(confirmed.body, { message: 'Email address changed', email: target })
    const validated = await server.client.validate(accessToken)
    t.is(validated.body.email, target, 'the same token shows the new address at once')
    t.true(validated.body.email_verified)
    t.truthy(await eventually(async () => (await strict.client.validate(accessToken)).body.email === target, 3000), 'on the other instance too')
    t.is((await server.client.login(email, TEST_PASSWORD)).statusCode, 400, 'the old address no longer logs in')
    t.is((await strict.client.login(target, TEST_PASSWORD)).statusCode, 200, 'the new one does, verified')
    t.is((await server.client.post('auth/email/change/confirm', { token })).body.error, 'This link was already used')
    t.is((await server.client.post('auth/email/verify', { token })).body.error, 'This link is not valid', 'a change link is not a verification link')

    // Taken between the request and the confirmation.
    const later = uniqueEmail('later')
    t.is((await change({ new_email: later, password: TEST_PASSWORD })).statusCode, 202)
    const pending = await linkMail(smtp, later, SUBJECTS.change)
    await server.client.register(later, TEST_PASSWORD)
    const raced = await server.client.post('auth/email/change/confirm', { token: pending.token })
    t.deepEqual(raced.body, { error: 'Email already registered', status_code: 400, path: '/auth/email/change/confirm', code: 'user.email_taken' })
    t.is((await server.client.validate(accessToken)).body.email, target, 'nothing changed')
  })

  test(`opening a mailed link changes nothing (a mail scanner's GET or HEAD); only its page's CSRF-checked button does [${backend}]`, async (t) => {
    const { server } = get()
    const email = uniqueEmail('scanned')
    const target = uniqueEmail('scanned-moved')
    await server.client.register(email, TEST_PASSWORD)
    const verification = await linkMail(smtp, email, SUBJECTS.verify)
    const { accessToken } = await server.client.loginTokens(email, TEST_PASSWORD)
    const requested = await server.client.http.post('auth/email/change', { json: { new_email: target, password: TEST_PASSWORD }, headers: { authorization: `Bearer ${accessToken}` } })
    t.is(requested.statusCode, 202)
    const change = await linkMail(smtp, target, SUBJECTS.change)
    // The links as mailed, on this server (the test server's public URL names another port).
    const onServer = (link: string) => `${server.url}${new URL(link).pathname}${new URL(link).search}`

    for (const { mail } of [verification, change]) {
      for (const method of ['GET', 'HEAD', 'GET']) {
        const scanned = await fetch(onServer(mail.link!), { method, redirect: 'manual' })
        t.is(scanned.status, 200, `a ${method} of the link shows a page`)
        await scanned.arrayBuffer()
      }
    }
    const untouched = await server.client.validate(accessToken)
    t.is(untouched.body.email, email, 'a scanned change link did not move the account')
    t.false(untouched.body.email_verified, 'a scanned verification link did not verify the address')

    const browser = new FormBrowser()
    const page = await browser.request(onServer(change.mail.link!))
    const html = await page.text()
    t.true(html.includes(target), 'the page says what pressing the button does')
    const [button] = formsOf(html)
    t.is(button.action, '/account/verify-email')
    t.is(button.fields.token, change.token)
    const forged = await fetch(`${server.url}/account/verify-email`, { method: 'POST', body: new URLSearchParams({ token: change.token }), redirect: 'manual' })
    t.is(forged.status, 403, 'a POST without the page\'s CSRF token is refused')
    await forged.arrayBuffer()
    t.is((await server.client.validate(accessToken)).body.email, email, 'and changes nothing')

    const pressed = await browser.request(`${server.url}${button.action}`, { form: button.fields })
    t.is(pressed.status, 200)
    t.regex(await pressed.text(), /Email address changed/)
    const moved = await server.client.validate(accessToken)
    t.is(moved.body.email, target, 'the button moved the account')
    t.true(moved.body.email_verified)
    const again = await browser.request(`${server.url}${button.action}`, { form: button.fields })
    t.is(again.status, 400, 'a link works once')
    await again.arrayBuffer()

    const stale = await fetch(onServer(verification.mail.link!))
    t.is(stale.status, 400, 'the verification link for the old address died with the change')
    await stale.arrayBuffer()
  })
}
