// The mail outbox against a real SMTP server (smtp-server on a loopback port, AUTH required) with
// mails parsed off the wire: delivery, what a sent row keeps, SMTP down then back, the last attempt,
// mail:retry, mail:test, replaced templates, metrics; and the embedded default without SMTP, where
// mails stay pending and `serve`, mail:list and mail:show say so. One SMTP server and one Heimdall per
// backend for the whole file; the tests run one at a time, since some take the SMTP server down.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import test from 'ava'
import { runCli } from '../../support/cli.js'
import { backends, createMigratedTestDatabase, createTestDatabase, type Backend } from '../../support/db.js'
import { eventually } from '../../support/eventually.js'
import { letTimePass } from '../../support/let-time-pass.js'
import { sample } from '../../support/prometheus.js'
import { serve } from '../../support/serve-process.js'
import { freePort, startTestServer, TEST_PASSWORD, TEST_SECRET, uniqueEmail, type TestServer } from '../../support/server.js'
import { SMTP_PASSWORD, SMTP_USER, startSmtpServer, type TestSmtpServer } from '../../support/smtp.js'

const FROM = 'Heimdall Test <auth@heimdall.test>'
const PUBLIC_URL = 'https://auth.heimdall.test'
const MAX_ATTEMPTS = 5
let smtp: TestSmtpServer
const servers = new Map<Backend, TestServer>()
const templatesDir = mkdtempSync(join(tmpdir(), 'heimdall-mail-templates-'))

test.before(async () => {
  smtp = await startSmtpServer()
  writeFileSync(join(templatesDir, 'test.subject.eta'), 'Custom test for <%= it.email %>')
  writeFileSync(join(templatesDir, 'test.html.eta'), '<p>Hello <%= it.email %> from <%= it.public_url %> & co</p>')
  for (const backend of backends()) {
    servers.set(
      backend,
      await startTestServer(backend, {
        env: {
          HEIMDALL_SMTP_URL: smtp.url,
          HEIMDALL_MAIL_FROM: FROM,
          HEIMDALL_PUBLIC_URL: PUBLIC_URL,
          HEIMDALL_MAIL_POLL_MS: '50',
          HEIMDALL_MAIL_RETRY_MS: '40',
          HEIMDALL_MAIL_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
        },
      }),
    )
  }
})

test.after.always(async () => {
  await Promise.all([...servers.values()].map((server) => server.close()))
  await smtp?.close()
  rmSync(templatesDir, { recursive: true, force: true })
})

/** A registered user and the id of the reset mail an operator queued for it with the CLI. */
async function queuedReset(server: TestServer): Promise<{ email: string; mailId: number }> {
  const email = uniqueEmail('outbox')
  const registered = await server.client.register(email, TEST_PASSWORD)
  if (registered.statusCode !== 200) throw new Error(`register failed: ${JSON.stringify(registered.body)}`)
  const queued = await runCli(['user:send-reset', email, '--json'], { env: server.env })
  if (queued.code !== 0) throw new Error(`user:send-reset failed: ${queued.stderr}`)
  return { email, mailId: JSON.parse(queued.stdout).mail_id }
}

const isReset = (mail: { subject: string }) => mail.subject === 'Reset your password'

for (const backend of backends()) {
  const serverOf = () => servers.get(backend)!

  test.serial(`a queued reset goes out over SMTP with its link; the sent row keeps its metadata, not the link [${backend}]`, async (t) => {
    const server = serverOf()
    const { email, mailId } = await queuedReset(server)
    const [mail] = await smtp.mailsTo(email, isReset)
    t.is(mail.from, 'auth@heimdall.test')
    t.regex(mail.link ?? '', new RegExp(`^${PUBLIC_URL}/account/reset-password\\?token=[A-Za-z0-9_-]{43}$`), 'a 256-bit token in a link to the reset page')
    t.true(mail.html.includes(mail.link!), 'the HTML body carries the same link')
    t.regex(mail.text, /within 30 minutes/)

    t.truthy(await eventually(async () => (await server.context.mailOutbox.findMailById(mailId))?.status === 'sent', 5000))
    const row = (await server.context.mailOutbox.findMailById(mailId))!
    t.is(row.attempts, 1)
    t.is(row.message_id, mail.messageId)
    t.regex(String(row.smtp_response), /^250 /)
    t.false(String(row.data).includes(new URL(mail.link!).searchParams.get('token')!), 'the token is gone from the row')
    t.is(JSON.parse(String(row.data)).email, email, 'the metadata stays')

    const shown = await runCli(['mail:show', String(mailId), '--json'], { env: server.env })
    t.is(shown.code, 0, shown.stderr)
    t.like(JSON.parse(shown.stdout), { id: mailId, kind: 'password_reset', to: email, status: 'sent', link: null, rendered: null })
    const listed = await runCli(['mail:list', '--status', 'sent', '--json'], { env: server.env })
    t.true((JSON.parse(listed.stdout) as Array<{ id: number }>).some((listedMail) => listedMail.id === mailId))
  })

  test.serial(`SMTP down, then back: attempts and the next try are recorded, and the mail arrives exactly once [${backend}]`, async (t) => {
    const server = serverOf()
    await smtp.stop()
    let mailId = 0
    let email = ''
    try {
      ;({ email, mailId } = await queuedReset(server))
      const retried = await eventually(async () => {
        const row = await server.context.mailOutbox.findMailById(mailId)
        return row !== undefined && row.status === 'pending' && row.attempts >= 2 && row.last_error !== null
      }, 10_000)
      t.truthy(retried, 'the failed attempts are recorded and the mail waits for the next')
      const row = (await server.context.mailOutbox.findMailById(mailId))!
      t.regex(String(row.last_error), /ECONNREFUSED|connect/i)
      t.true(Number(row.next_attempt_at) > Number(row.created_at))
    } finally {
      await smtp.start()
    }
    await smtp.mailsTo(email, isReset)
    t.truthy(await eventually(async () => (await server.context.mailOutbox.findMailById(mailId))?.status === 'sent', 10_000))
    await letTimePass(300, 'a negative check: several more outbox polls (every 50 ms) send nothing a second time')
    t.is(smtp.received.filter((mail) => mail.to === email && isReset(mail)).length, 1)
  })

  test.serial(`after the last attempt a mail is failed, counted, listed; mail:retry sends it once SMTP is back [${backend}]`, async (t) => {
    const server = serverOf()
    await smtp.stop()
    let mailId = 0
    let email = ''
    try {
      ;({ email, mailId } = await queuedReset(server))
      t.truthy(await eventually(async () => (await server.context.mailOutbox.findMailById(mailId))?.status === 'failed', 15_000))
      t.is((await server.context.mailOutbox.findMailById(mailId))!.attempts, MAX_ATTEMPTS)
      const failed = await runCli(['mail:list', '--status', 'failed', '--json'], { env: server.env })
      t.true((JSON.parse(failed.stdout) as Array<{ id: number }>).some((mail) => mail.id === mailId))
      const shown = JSON.parse((await runCli(['mail:show', String(mailId), '--json'], { env: server.env })).stdout)
      t.regex(shown.link, /\/account\/reset-password\?token=/, 'a failed mail keeps its link, to be retried')
      const metrics = String((await server.client.http.get('metrics', { responseType: 'text' })).body)
      t.true((sample(metrics, 'heimdall_mails_total', { outcome: 'failed' }) ?? 0) >= 1)
      t.true((sample(metrics, 'heimdall_mails_total', { outcome: 'retried' }) ?? 0) >= MAX_ATTEMPTS - 1)
    } finally {
      await smtp.start()
    }
    const retried = await runCli(['mail:retry', String(mailId)], { env: server.env })
    t.is(retried.code, 0, retried.stderr)
    t.regex(retried.stdout, new RegExp(`Mail ${mailId} is due now`))
    await smtp.mailsTo(email, isReset)
    t.truthy(await eventually(async () => (await server.context.mailOutbox.findMailById(mailId))?.status === 'sent', 10_000))
    const again = await runCli(['mail:retry', String(mailId)], { env: server.env })
    t.is(again.code, 1)
    t.regex(again.stderr, /already sent/)
    const missing = await runCli(['mail:retry', '999999'], { env: server.env })
    t.regex(missing.stderr, /No mail with id 999999/)
    const metrics = String((await server.client.http.get('metrics', { responseType: 'text' })).body)
    t.true((sample(metrics, 'heimdall_mails_total', { outcome: 'sent' }) ?? 0) >= 3)
    t.is(typeof sample(metrics, 'heimdall_mail_outbox_pending'), 'number')
  })

  test.serial(`mail:test says what the SMTP server answered, uses replaced templates, and explains failures [${backend}]`, async (t) => {
    const server = serverOf()
    const to = `o'neil&co.${uniqueEmail('mailtest')}`
    const sent = await runCli(['mail:test', to], { env: { ...server.env, HEIMDALL_MAIL_TEMPLATES: templatesDir } })
    t.is(sent.code, 0, sent.stderr)
    t.regex(sent.stdout, /the SMTP server answered: 250 /)
    const [mail] = await smtp.mailsTo(to)
    t.is(mail.subject, `Custom test for ${to}`, 'the subject template was replaced')
    t.true(mail.html.includes(`<p>Hello ${to.replace('&', '&amp;').replace("'", '&#39;')} from ${PUBLIC_URL} & co</p>`), `the replaced HTML template, its values escaped: ${mail.html}`)
    t.regex(mail.text, /This is a test mail from Heimdall/, 'the text template not replaced stays built in')

    const badAuth = await runCli(['mail:test', to], { env: { ...server.env, HEIMDALL_SMTP_URL: smtp.url.replace(SMTP_PASSWORD, 'wrong') } })
    t.is(badAuth.code, 69)
    t.regex(badAuth.stderr, /The SMTP server did not take the mail: .*(Invalid username or password|535)/)
    t.notRegex(badAuth.stderr + badAuth.stdout, new RegExp(`${SMTP_USER}:wrong`), 'the SMTP password is never printed')

    const unconfigured = await runCli(['mail:test', to], { env: { ...server.env, HEIMDALL_SMTP_URL: '' } })
    t.is(unconfigured.code, 78)
    t.regex(unconfigured.stderr, /HEIMDALL_SMTP_URL is not set/)

    const broken = mkdtempSync(join(tmpdir(), 'heimdall-broken-templates-'))
    try {
      writeFileSync(join(broken, 'test.text.eta'), 'Hello <%= it.email ')
      const refused = await runCli(['mail:test', to], { env: { ...server.env, HEIMDALL_MAIL_TEMPLATES: broken } })
      t.is(refused.code, 78)
      t.true(refused.stderr.includes(`Mail template ${join(broken, 'test.text.eta')} does not compile`), refused.stderr)
    } finally {
      rmSync(broken, { recursive: true, force: true })
    }
  })
}

test.serial('without SMTP (the embedded default) mails stay pending: serve says so, mail:list and mail:show give the link', async (t) => {
  const database = await createTestDatabase('sqlite')
  const env = { HEIMDALL_DATABASE_URL: database.url, HEIMDALL_JWT_SECRET: TEST_SECRET, HEIMDALL_MAIL_POLL_MS: '50' }
  const served = await serve(env)
  try {
    t.regex(served.output(), /Mail: HEIMDALL_SMTP_URL is not set: mails stay pending in the outbox \(heimdall mail:list, heimdall mail:show ID\); links point to http:\/\/localhost:8000/)
    const email = uniqueEmail('nosmtp')
    const registered = await runCli(['user:create', email, '--password', TEST_PASSWORD], { env })
    t.is(registered.code, 0, registered.stderr)
    const queued = await runCli(['user:send-reset', email], { env })
    t.is(queued.code, 0, queued.stderr)
    const mailId = /queued as mail (\d+)/.exec(queued.stdout)?.[1]
    t.truthy(mailId)
    t.regex(queued.stdout, new RegExp(`heimdall mail:show ${mailId}\` prints the link`))

    await letTimePass(300, 'a negative check: several outbox polls of the serve process (every 50 ms) leave the mail pending')
    const pending = await runCli(['mail:list', '--status', 'pending'], { env })
    t.regex(pending.stdout, new RegExp(`\\s${mailId}\\s+pending .* password_reset\\s+${email.replace(/\./g, '\\.')}`))
    const shown = await runCli(['mail:show', mailId!], { env })
    t.is(shown.code, 0, shown.stderr)
    t.regex(shown.stdout, /status:\s+pending \(HEIMDALL_SMTP_URL is not set: it stays here\)/)
    t.regex(shown.stdout, /link:\s+http:\/\/localhost:8000\/account\/reset-password\?token=[A-Za-z0-9_-]{43}\n/)
    t.regex(shown.stdout, /subject:\s+Reset your password/)
    const unknown = await runCli(['user:send-reset', 'nobody@example.com'], { env })
    t.is(unknown.code, 1)
    t.regex(unknown.stderr, /No user with email nobody@example.com/)
  } finally {
    served.child.kill('SIGTERM')
    await served.exited
    await database.drop()
  }
})

for (const backend of backends()) {
  test.serial(`mailed links point to the server that sends them: serve --port P links to http://localhost:P, also in mails the CLI queued with other settings [${backend}]`, async (t) => {
    const database = await createMigratedTestDatabase(backend)
    const port = await freePort()
    // No HEIMDALL_PUBLIC_URL, HEIMDALL_PORT nor --port for the CLI: only the server knows the port.
    const env = { HEIMDALL_DATABASE_URL: database.url, HEIMDALL_JWT_SECRET: TEST_SECRET, HEIMDALL_SMTP_URL: smtp.url, HEIMDALL_MAIL_POLL_MS: '50' }
    const served = await serve(env, ['--port', String(port)])
    try {
      const origin = `http://localhost:${port}`
      const byHttp = uniqueEmail('port-http')
      const registered = await fetch(`${served.url}/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: byHttp, password: TEST_PASSWORD }) })
      t.is(registered.status, 200)
      await registered.arrayBuffer()
      const byCli = uniqueEmail('port-cli')
      const created = await runCli(['user:create', byCli, '--password', TEST_PASSWORD], { env })
      t.is(created.code, 0, created.stderr)
      const reset = await runCli(['user:send-reset', byCli], { env: { ...env, HEIMDALL_PUBLIC_URL: 'https://cli-shell.heimdall.test' } })
      t.is(reset.code, 0, reset.stderr)

      const [httpMail] = await smtp.mailsTo(byHttp, (mail) => mail.subject === 'Confirm your email address')
      const [cliMail] = await smtp.mailsTo(byCli, (mail) => mail.subject === 'Confirm your email address')
      const [resetMail] = await smtp.mailsTo(byCli, isReset)
      for (const mail of [httpMail, cliMail, resetMail]) {
        t.true(mail.link!.startsWith(`${origin}/account/`), `${mail.subject} to ${mail.to} links to ${mail.link}`)
        t.true(mail.html.includes(mail.link!), 'the HTML body carries the same link')
      }
      t.regex(served.output(), new RegExp(`links point to ${origin.replace(/\./g, '\\.')}`))
      const page = await fetch(`${served.url}${new URL(resetMail.link!).pathname}${new URL(resetMail.link!).search}`)
      t.is(page.status, 200, 'the link leads to a working reset page on that server')
      await page.arrayBuffer()
    } finally {
      served.child.kill('SIGTERM')
      await served.exited
      await database.drop()
    }
  })
}
