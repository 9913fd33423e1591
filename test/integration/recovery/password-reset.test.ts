// Password reset over HTTP against a real SMTP server, mails parsed off the wire: the whole flow
// (forgot -> mail -> link -> new password -> every session dead on both instances -> login with the
// new password), the policy, the lockout lifted, token reuse / replacement / expiry, enumeration
// (same answer, before any of the account's work), the per-address cap. One SMTP server, and per backend one Heimdall
// plus a second instance on the same database, for the whole file.
import { Worker } from 'node:worker_threads'
import test from 'ava'
import { runCli } from '../../support/cli.js'
import { backends, holdUserWriteLock, type Backend } from '../../support/db.js'
import { eventually } from '../../support/eventually.js'
import { letTimePass } from '../../support/let-time-pass.js'
import { linkMail, SUBJECTS, tokenOf } from '../../support/mail-links.js'
import { FormBrowser, formsOf } from '../../support/oidc-http-sign-in.js'
import { startSecondInstance, startTestServer, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp.js'

const NEW_PASSWORD = 'Brand-New-Pass-456'
/**
 * POSTs each JSON body to `url` in turn from a worker thread, 100 ms apart, and answers how long each
 * answer took (milliseconds), its status and body. The test server runs in this process, and the work
 * a forgot request starts after its answer (synchronous SQLite) blocks this process's event loop: timed
 * here, a client would seem to wait for it, which a client in another process never does. The worker
 * has an event loop of its own; the pause lets one request's work end before the next is sent.
 * Rejects with the worker's error.
 */
type TimedAnswer = { ms: number; answeredAt: number; status: number; body: unknown }

/**
 * A worker thread that posts JSON bodies to `url` in turn; `ms` is each answer's time, `answeredAt`
 * its Date.now(). It has made one request (to the server's /health) before it resolves, so that a
 * timed post pays neither the worker's start nor fetch's first load. Rejects with the worker's error.
 */
async function openTimedPoster(url: string): Promise<{ post(bodies: object[]): Promise<TimedAnswer[]>; close(): Promise<number> }> {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads')
    parentPort.on('message', async ({ url, body, method }) => {
      try {
        const started = performance.now()
        const response = await fetch(url, body === undefined ? { method } : { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
        const text = await response.text()
        parentPort.postMessage({ ms: performance.now() - started, answeredAt: Date.now(), status: response.status, body: JSON.parse(text) })
      } catch (error) {
        parentPort.postMessage({ error: String(error) })
      }
    })`,
    { eval: true },
  )
  const crashed = new Promise<never>((_resolve, reject) => worker.once('error', reject))
  crashed.catch(() => undefined)
  const send = (target: string, method: string, body?: object) => Promise.race([crashed, new Promise<TimedAnswer>((resolve, reject) => {
    worker.once('message', (message) => ('error' in message ? reject(new Error(message.error)) : resolve(message)))
    worker.postMessage({ url: target, method, body })
  })])
  await send(new URL('/health', url).href, 'GET')
  return {
    async post(bodies) {
      const results: TimedAnswer[] = []
      for (const body of bodies) {
        await letTimePass(100, "the work a forgot request starts after its answer has no end to observe (for an unknown address it changes nothing): let it end before the next request")
        results.push(await send(url, 'POST', body))
      }
      return results
    },
    close: () => worker.terminate(),
  }
}

const FORGOT_BODY = { message: 'If an account with this address exists, a link to reset its password has been sent to it.' }
let smtp: TestSmtpServer
const instances = new Map<Backend, { server: TestServer; second: Awaited<ReturnType<typeof startSecondInstance>>; logLines: string[] }>()

test.before(async () => {
  smtp = await startSmtpServer()
  for (const backend of backends()) {
    const logLines: string[] = []
    const server = await startTestServer(backend, {
      // No per-IP budget (tested in security/rate-limit): its counter is a write, which SQLite's one
      // write lock, held by the forgot test, would hold back before the handler.
      env: { HEIMDALL_SMTP_URL: smtp.url, HEIMDALL_MAIL_POLL_MS: '100', HEIMDALL_LOCKOUT_MAX_FAILURES: '3', HEIMDALL_REVOCATION_POLL_MS: '50', HEIMDALL_RATE_LIMIT_PER_MINUTE: '0' },
      logLines,
    })
    instances.set(backend, { server, second: await startSecondInstance(server), logLines })
  }
})

// What the server logged (info and above) beside a failed test: the forgot test's work runs after
// its answer, so its failure shows only in the log.
test.afterEach.always((t) => {
  if (t.passed) return
  const backend = /\[(\w+)\]$/.exec(t.title)?.[1] as Backend | undefined
  const logLines = backend ? instances.get(backend)?.logLines : undefined
  if (logLines) t.log(logLines.filter((line) => !line.includes('"level":20')).slice(-40).join(''))
})

test.after.always(async () => {
  for (const { server, second } of instances.values()) {
    await second.close()
    await server.close()
  }
  await smtp?.close()
})

for (const backend of backends()) {
  const get = () => instances.get(backend)!

  test(`the whole reset: mail, link, policy, new password; every session and refresh token dead on both instances; lockout lifted [${backend}]`, async (t) => {
    const { server, second, logLines } = get()
    const email = uniqueEmail('reset')
    t.is((await server.client.register(email, TEST_PASSWORD)).statusCode, 200)
    const first = await server.client.loginTokens(email, TEST_PASSWORD)
    const other = await second.client.loginTokens(email, TEST_PASSWORD)
    // Both instances hold both sessions in their caches.
    for (const client of [server.client, second.client]) for (const tokens of [first, other]) t.true((await client.validate(tokens.accessToken)).body.is_valid)
    for (let i = 0; i < 3; i++) await server.client.login(email, 'Wrong-Pass-1')
    t.is((await server.client.login(email, TEST_PASSWORD)).statusCode, 429, 'the account is locked out')

    const forgot = await server.client.post('auth/password/forgot', { email: email.toUpperCase() })
    t.is(forgot.statusCode, 202)
    t.deepEqual(forgot.body, FORGOT_BODY)
    const { mail, token } = await linkMail(smtp, email, SUBJECTS.reset)
    t.regex(mail.link!, /^http:\/\/localhost:8000\/account\/reset-password\?token=[A-Za-z0-9_-]{43}$/)

    const weak = await server.client.post('auth/password/reset', { token, new_password: 'short' })
    t.is(weak.statusCode, 422)
    t.is(weak.body.error, 'Validation error')
    t.true(weak.body.detail.length >= 2)
    for (const detail of weak.body.detail) t.deepEqual(detail.loc, ['body', 'new_password'])
    t.true(weak.body.detail.some((detail: { msg: string }) => /at least 8 characters/.test(detail.msg)), 'the registration policy speaks')

    const reset = await server.client.post('auth/password/reset', { token, new_password: NEW_PASSWORD })
    t.is(reset.statusCode, 200)
    t.is(typeof reset.body.message, 'string')

    for (const [name, client] of [['this instance', server.client], ['the other instance', second.client]] as const) {
      for (const tokens of [first, other]) {
        t.truthy(await eventually(async () => !(await client.validate(tokens.accessToken)).body.is_valid, 3000), `an old access token is dead on ${name}`)
      }
    }
    t.is((await server.client.refresh(first.refreshToken)).statusCode, 401, 'refresh tokens die with their sessions')
    t.is((await second.client.refresh(other.refreshToken)).statusCode, 401)
    t.is((await server.client.login(email, TEST_PASSWORD)).statusCode, 400, 'the old password is gone')
    const fresh = await server.client.login(email, NEW_PASSWORD)
    t.is(fresh.statusCode, 200, 'the lockout was lifted and the new password works')
    t.true((await second.client.validate(fresh.body.access_token)).body.email_verified, 'the link proved the address too')

    const notice = await smtp.mailsTo(email, (received) => received.subject === SUBJECTS.changed)
    t.regex(notice[0].text, /was just changed/)
    const reused = await server.client.post('auth/password/reset', { token, new_password: 'Yet-Another-Pass-789' })
    t.is(reused.statusCode, 400)
    t.deepEqual(reused.body, { error: 'This link was already used', status_code: 400, path: '/auth/password/reset', code: 'recovery.invalid_token' })

    const audit = await runCli(['audit:list', '--user', email, '--json'], { env: server.env })
    const events = JSON.parse(audit.stdout) as Array<{ type: string; detail: unknown }>
    t.true(events.some((event) => event.type === 'password.reset'))
    t.true(events.some((event) => event.type === 'password.reset_requested'))
    t.false(audit.stdout.includes(token), 'no token in the audit trail')
    t.true(logLines.some((line) => line.includes('/auth/password/reset')), 'the server logged these requests (debug level)')
    t.false(logLines.some((line) => line.includes(token)), 'no token in a log line')
  })

  test(`a newer link replaces the older, an expired or unknown link is refused with the contract's 400 [${backend}]`, async (t) => {
    const { server } = get()
    const email = uniqueEmail('replaced')
    const { body: registered } = await server.client.register(email, TEST_PASSWORD)
    await server.client.post('auth/password/forgot', { email })
    const older = await linkMail(smtp, email, SUBJECTS.reset, 0)
    await server.client.post('auth/password/forgot', { email })
    const newer = await linkMail(smtp, email, SUBJECTS.reset, 1)
    t.not(older.token, newer.token)
    const replaced = await server.client.post('auth/password/reset', { token: older.token, new_password: NEW_PASSWORD })
    t.deepEqual(replaced.body, { error: 'A newer link replaced this one: use the latest mail', status_code: 400, path: '/auth/password/reset', code: 'recovery.invalid_token' })

    // Expire the newer link in the database, as half an hour would.
    await server.context.db('user_tokens').where({ user_id: registered.user_id, purpose: 'password_reset' }).whereNull('spent_at').update({ expires_at: Date.now() - 1 })
    const expired = await server.client.post('auth/password/reset', { token: newer.token, new_password: NEW_PASSWORD })
    t.deepEqual(expired.body, { error: 'This link has expired: ask for a new one', status_code: 400, path: '/auth/password/reset', code: 'recovery.invalid_token' })

    for (const token of ['A'.repeat(43), tokenOf(`http://x/?token=${older.token.slice(0, -1)}B`), 'x']) {
      const unknown = await server.client.post('auth/password/reset', { token, new_password: NEW_PASSWORD })
      t.deepEqual(unknown.body, { error: 'This link is not valid', status_code: 400, path: '/auth/password/reset', code: 'recovery.invalid_token' })
    }
    t.is((await server.client.post('auth/password/reset', { new_password: NEW_PASSWORD })).statusCode, 422)
    t.is((await server.client.post('auth/password/reset', { token: 'A'.repeat(500), new_password: NEW_PASSWORD })).statusCode, 422)
    t.is((await server.client.login(email, TEST_PASSWORD)).statusCode, 200, 'nothing changed')
  })

  test(`a password changed any other way ends the reset links already mailed: on the account page, by user:set-password [${backend}]`, async (t) => {
    const { server } = get()
    const email = uniqueEmail('changed-elsewhere')
    await server.client.register(email, TEST_PASSWORD)

    await server.client.post('auth/password/forgot', { email })
    const beforePageChange = await linkMail(smtp, email, SUBJECTS.reset, 0)
    const browser = new FormBrowser()
    const signIn = formsOf(await (await browser.request(`${server.url}/account/login`)).text()).find((form) => 'password' in form.fields)!
    t.is((await browser.request(new URL(signIn.action, server.url).href, { form: { ...signIn.fields, email, password: TEST_PASSWORD } })).headers.get('location'), '/account')
    const change = formsOf(await (await browser.request(`${server.url}/account`)).text()).find((form) => form.action === '/account/password')!
    const changed = await browser.request(`${server.url}/account/password`, { form: { ...change.fields, current_password: TEST_PASSWORD, new_password: NEW_PASSWORD } })
    t.regex(String(changed.headers.get('location')), /done=password/)
    const afterPage = await server.client.post('auth/password/reset', { token: beforePageChange.token, new_password: 'Taken-Back-Pass-1' })
    t.is(afterPage.statusCode, 400, 'the link mailed before the change on the account page is dead')
    t.is(afterPage.body.path, '/auth/password/reset')
    t.is((await server.client.login(email, NEW_PASSWORD)).statusCode, 200, 'the password set on the account page still holds')

    await server.client.post('auth/password/forgot', { email })
    const beforeAdminChange = await linkMail(smtp, email, SUBJECTS.reset, 1)
    t.is((await runCli(['user:set-password', email, '--password-stdin'], { env: server.env, input: 'Operator-Set-Pass-2' })).code, 0)
    const afterAdmin = await server.client.post('auth/password/reset', { token: beforeAdminChange.token, new_password: 'Taken-Back-Pass-1' })
    t.is(afterAdmin.statusCode, 400, 'the link mailed before user:set-password is dead')
    t.is((await server.client.login(email, 'Operator-Set-Pass-2')).statusCode, 200, 'the operator\'s password still holds')
  })

  // Serial (ava runs serial tests first, alone): on SQLite the lock stops this process's event loop.
  test.serial(`forgot answers unknown, disabled and existing accounts alike, and before any of the account's work; at most 3 mails an hour per address [${backend}]`, async (t) => {
    const { server } = get()
    const existing = uniqueEmail('exists')
    const disabled = uniqueEmail('disabled')
    const { body: registered } = await server.client.register(existing, TEST_PASSWORD)
    await server.client.register(disabled, TEST_PASSWORD)
    t.is((await runCli(['user:disable', disabled], { env: server.env })).code, 0)

    // The same answer at the same moment for every kind: it leaves before the account is even looked
    // up. Proven without comparing timings (noise on a shared machine): while a database lock holds
    // back the existing account's writes for 3 s, its answer still comes before the lock is let go,
    // and the mail after it. An answer that waited for the work would come after the release.
    // On SQLite the held lock stops this process's event loop at any write of the server's: the
    // registrations' mails are sent and their rows written first, or the sender's last write (late on
    // a loaded machine) held the request back until the release.
    t.not(await eventually(async () => (await server.context.db('mail_outbox').whereIn('status', ['pending', 'sending']).first()) === undefined, 20_000), undefined, 'the registrations\' mails are sent')
    const poster = await openTimedPoster(`${server.url}/auth/password/forgot`)
    t.teardown(() => poster.close())
    const lock = await holdUserWriteLock(server.database, registered.user_id, 3000)
    const [held] = await poster.post([{ email: existing }])
    t.is(held.status, 202)
    t.deepEqual(held.body, FORGOT_BODY)
    const releasedAt = await lock.released
    t.true(held.answeredAt < releasedAt, `answered in ${held.ms.toFixed(0)} ms, ${releasedAt - held.answeredAt} ms before the account's writes could go on`)
    const [mailed] = await smtp.mailsTo(existing, (mail) => mail.subject === SUBJECTS.reset, 1)
    t.true(mailed.receivedAt >= releasedAt, 'the lock held the work back: the mail left after its release')

    const kinds = Array.from({ length: 3 }, () => ['existing', 'disabled', 'unknown'] as const).flat()
    const answers = await poster.post(kinds.map((kind) => ({ email: kind === 'existing' ? existing : kind === 'disabled' ? disabled : uniqueEmail('nobody') })))
    answers.forEach((answer) => {
      t.is(answer.status, 202)
      t.deepEqual(answer.body, FORGOT_BODY)
    })

    await smtp.mailsTo(existing, (mail) => mail.subject === SUBJECTS.reset, 3)
    await letTimePass(600, 'a negative check: the fourth request is past the cap, and several outbox polls (every 100 ms) send nothing more')
    t.is(smtp.received.filter((mail) => mail.to === existing && mail.subject === SUBJECTS.reset).length, 3)
    t.is(smtp.received.filter((mail) => mail.to === disabled && mail.subject === SUBJECTS.reset).length, 0, 'a disabled account gets no link')
    t.is((await server.client.post('auth/password/forgot', { email: 'not-an-address' })).statusCode, 422, 'a malformed address is bad input, not an account question')
  })
}
