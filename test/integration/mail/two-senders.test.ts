// Two Heimdall instances on one database, both sending from the outbox: every mail (a verification
// mail per registration) reaches the real SMTP server exactly once, and both instances did send some,
// so they really raced for the rows. The SMTP server answers slowly, which widens every window in
// which the two could take the same row.
import test from 'ava'
import { backends } from '../../support/db.js'
import { eventually } from '../../support/eventually.js'
import { letTimePass } from '../../support/let-time-pass.js'
import { SUBJECTS } from '../../support/mail-links.js'
import { startSecondInstance, startTestServer, TEST_PASSWORD, uniqueEmail } from '../../support/server.js'
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp.js'

const USERS = 24
let smtp: TestSmtpServer

test.before(async () => {
  smtp = await startSmtpServer({ delayMs: 30 })
})

test.after.always(async () => {
  await smtp?.close()
})

for (const backend of backends()) {
  test(`two instances on one ${backend} database send each mail exactly once [${backend}]`, async (t) => {
    // Mails queued while nobody sends (no SMTP configured here), then two senders started together:
    // their first passes look at the same due rows at the same moment.
    const server = await startTestServer(backend, { env: { HEIMDALL_RATE_LIMIT_PER_MINUTE: '0' } })
    const senders: Array<Awaited<ReturnType<typeof startSecondInstance>>> = []
    try {
      const emails = Array.from({ length: USERS }, () => uniqueEmail(`race-${backend}`))
      const registered = await Promise.all(emails.map((email) => server.client.register(email, TEST_PASSWORD)))
      t.deepEqual(registered.map((response) => response.statusCode), emails.map(() => 200), 'concurrent registrations all succeed')
      const smtpEnv = { HEIMDALL_SMTP_URL: smtp.url, HEIMDALL_MAIL_POLL_MS: '50' }
      senders.push(...(await Promise.all([startSecondInstance(server, smtpEnv), startSecondInstance(server, smtpEnv)])))

      const isVerification = (mail: { to: string; subject: string }) => emails.includes(mail.to) && mail.subject === SUBJECTS.verify
      t.truthy(await eventually(async () => smtp.received.filter(isVerification).length >= USERS, 30_000), 'every mail arrives')
      const sentRows = () => server.context.db('mail_outbox').where({ kind: 'email_verification', status: 'sent' }).select('claimed_by')
      t.truthy(await eventually(async () => (await sentRows()).length === USERS, 5000))
      await letTimePass(400, 'a negative check: several more passes of both senders (every 50 ms) send nothing twice')
      const perRecipient = new Map<string, number>()
      for (const mail of smtp.received.filter(isVerification)) perRecipient.set(mail.to, (perRecipient.get(mail.to) ?? 0) + 1)
      t.deepEqual([...perRecipient.entries()].filter(([, count]) => count !== 1), [], 'no address got its mail twice')
      t.is(perRecipient.size, USERS)
      const sentBy = new Set((await sentRows()).map((row: { claimed_by: string }) => row.claimed_by))
      t.is(sentBy.size, 2, 'both instances sent some of them')
    } finally {
      await Promise.all(senders.map((sender) => sender.close()))
      await server.close()
    }
  })
}

for (const backend of backends()) {
  test(`claims at the same instant by two instances never overlap: each due row goes to exactly one [${backend}]`, async (t) => {
    // Without SMTP nobody sends: the two claims below are the only ones, started together, so both
    // read the same due rows before either takes one.
    const server = await startTestServer(backend, { env: { HEIMDALL_RATE_LIMIT_PER_MINUTE: '0' } })
    const other = await startSecondInstance(server)
    try {
      const emails = Array.from({ length: 12 }, () => uniqueEmail(`claim-${backend}`))
      await Promise.all(emails.map((email) => server.client.register(email, TEST_PASSWORD)))
      const now = Date.now()
      const [mine, theirs] = await Promise.all([
        server.context.mailOutbox.claimDueMails('first', now, now + 60_000, 50),
        other.context.mailOutbox.claimDueMails('second', now, now + 60_000, 50),
      ])
      const ids = (rows: Array<{ id: number }>) => rows.map((row) => row.id)
      t.log(`first took ${mine.length}, second took ${theirs.length}`)
      t.deepEqual(ids(mine).filter((id) => ids(theirs).includes(id)), [], 'no row claimed by both')
      t.is(mine.length + theirs.length, emails.length, 'every due row claimed once')
      const rows = await server.context.db('mail_outbox').select('id', 'claimed_by', 'attempts')
      for (const row of rows) t.is(row.claimed_by, ids(mine).includes(row.id) ? 'first' : 'second')
      t.true(rows.every((row: { attempts: number }) => row.attempts === 1), 'one attempt counted per claim')
    } finally {
      await other.close()
      await server.close()
    }
  })
}

for (const backend of backends()) {
  test(`a claim whose sender died runs out, and a live sender sends the mail, once [${backend}]`, async (t) => {
    const server = await startTestServer(backend)
    let sender: Awaited<ReturnType<typeof startSecondInstance>> | undefined
    try {
      const email = uniqueEmail(`orphan-${backend}`)
      await server.client.register(email, TEST_PASSWORD)
      // A sender claimed the mail and died: its lease ran out a moment ago.
      const now = Date.now()
      const [claimed] = await server.context.mailOutbox.claimDueMails('dead-sender', now, now - 1, 1)
      t.truthy(claimed)
      sender = await startSecondInstance(server, { HEIMDALL_SMTP_URL: smtp.url, HEIMDALL_MAIL_POLL_MS: '50' })
      await smtp.mailsTo(email, (mail) => mail.subject === SUBJECTS.verify)
      t.truthy(await eventually(async () => (await server.context.mailOutbox.findMailById(claimed.id))?.status === 'sent', 5000))
      const row = (await server.context.mailOutbox.findMailById(claimed.id))!
      t.not(row.claimed_by, 'dead-sender')
      t.is(row.attempts, 2, "the dead sender's attempt is counted")
      await letTimePass(300, 'a negative check: several more passes of the sender (every 50 ms) do not send it again')
      t.is(smtp.received.filter((mail) => mail.to === email).length, 1)
    } finally {
      await sender?.close()
      await server.close()
    }
  })
}
