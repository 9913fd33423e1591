import { randomUUID } from 'node:crypto'
import test from 'ava'
import { argon2idHash } from '../../../src/infra/passwords/argon2.js'
import { normalizeEmail } from '../../../src/domain/email.js'
import { loginFailuresKey, loginLockoutKey } from '../../../src/domain/throttling.js'
import { eventually } from '../../support/eventually.js'
import { createPasswordHasher } from '../../../src/infra/passwords/password-hasher.js'
import { CHEAP_ARGON2ID_PASSWORDS, CHEAP_PASSWORDS, cheapPolicy, isolatedServerTest, serialServerTest, serverTest, startSecondInstance, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'

async function storedHash(server: TestServer, email: string): Promise<string> {
  const user = await server.context.users.findUserByEmail(email)
  if (!user) throw new Error(`no user ${email}`)
  return user.password_hash
}

serverTest('argon2id: a registration stores a PHC string of the configured cost, and signs in with it', async (t, server) => {
  const email = uniqueEmail('argon')
  t.is((await server.client.register(email, TEST_PASSWORD)).statusCode, 200)
  t.regex(await storedHash(server, email), /^\$argon2id\$v=19\$m=1024,p=1,t=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
  t.is((await server.client.login(email, TEST_PASSWORD)).statusCode, 200)
  t.is((await server.client.login(email, 'Wrong-Pass-123')).statusCode, 400)
}, { hashing: 'cheap-argon2id' })

serverTest('a sign-in rehashes bcrypt to argon2id when the setting changes, and back', async (t, server) => {
  const email = uniqueEmail('switch')
  t.is((await server.client.register(email, TEST_PASSWORD)).statusCode, 200)
  const bcryptHash = await storedHash(server, email)
  t.regex(bcryptHash, /^\$2b\$04\$/)

  const argonInstance = await startSecondInstance(server, {}, CHEAP_ARGON2ID_PASSWORDS)
  try {
    t.is((await argonInstance.client.login(email, TEST_PASSWORD)).statusCode, 200)
    const argonHash = await storedHash(server, email)
    t.regex(argonHash, /^\$argon2id\$v=19\$m=1024,p=1,t=2\$/, 'rehashed to argon2id on the sign-in')
    t.is((await argonInstance.client.login(email, TEST_PASSWORD)).statusCode, 200)
    t.is(await storedHash(server, email), argonHash, 'a current hash is left alone')
    t.is((await argonInstance.client.login(email, 'Wrong-Pass-123')).statusCode, 400)
    t.is(await storedHash(server, email), argonHash, 'a failed sign-in rehashes nothing')
  } finally {
    await argonInstance.close()
  }

  t.is((await server.client.login(email, TEST_PASSWORD)).statusCode, 200)
  t.regex(await storedHash(server, email), /^\$2b\$04\$/, 'back to bcrypt on the bcrypt instance')
})

serverTest('a changed cost rehashes on the next sign-in: bcrypt 4 to 5, argon2id memory 1024 to 2048 KiB', async (t, server) => {
  const email = uniqueEmail('cost')
  t.is((await server.client.register(email, TEST_PASSWORD)).statusCode, 200)
  t.regex(await storedHash(server, email), /^\$2b\$04\$/)

  const costlier = await startSecondInstance(server, {}, createPasswordHasher(cheapPolicy('bcrypt', { bcryptCost: 5 })))
  try {
    t.is((await costlier.client.login(email, TEST_PASSWORD)).statusCode, 200)
    t.regex(await storedHash(server, email), /^\$2b\$05\$/)
  } finally {
    await costlier.close()
  }
  const argon = await startSecondInstance(server, {}, CHEAP_ARGON2ID_PASSWORDS)
  const moreMemory = await startSecondInstance(server, {}, createPasswordHasher(cheapPolicy('argon2id', { argon2: { memoryKib: 2048, iterations: 2, parallelism: 1 } })))
  try {
    t.is((await argon.client.login(email, TEST_PASSWORD)).statusCode, 200)
    t.regex(await storedHash(server, email), /m=1024,p=1,t=2/)
    t.is((await moreMemory.client.login(email, TEST_PASSWORD)).statusCode, 200)
    t.regex(await storedHash(server, email), /^\$argon2id\$v=19\$m=2048,p=1,t=2\$/)
  } finally {
    await argon.close()
    await moreMemory.close()
  }
  t.is(CHEAP_PASSWORDS.algorithm, 'bcrypt')
})

const PARALLEL_LOGINS = 50
const PRODUCTION_ARGON2 = { memoryKib: 19456, iterations: 2, parallelism: 1 }

// Isolated: a hasher of its own, shared by the three backends' servers (production's argon2id cost, a short queue) and 50 users of one hash.
isolatedServerTest(`${PARALLEL_LOGINS} parallel argon2id sign-ins at 19 MiB: each a 200 or a 503 password.hashing_busy with Retry-After, never a 500, memory bounded`, async (t, server) => {
  const hash = await argon2idHash(TEST_PASSWORD, PRODUCTION_ARGON2)
  const [role] = await server.context.roles.findRolesByNames(['user'])
  const emails = Array.from({ length: PARALLEL_LOGINS }, () => uniqueEmail('burst'))
  for (const email of emails) {
    await server.context.users.insertUserWithRoles({ id: randomUUID(), email, passwordHash: hash, roleIds: [role!.id], now: Date.now() })
  }

  const baseline = process.memoryUsage().rss
  let peak = baseline
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10)
  const answers = await Promise.all(emails.map((email) => server.client.login(email, TEST_PASSWORD))).finally(() => clearInterval(sampler))

  const statuses = answers.map((answer) => answer.statusCode)
  t.true(statuses.every((status) => status === 200 || status === 503), `statuses: ${statuses.join(' ')}`)
  t.true(statuses.includes(200), 'the queue lets sign-ins through')
  for (const busy of answers.filter((answer) => answer.statusCode === 503)) {
    t.is(busy.body.code, 'password.hashing_busy')
    t.is(busy.headers['retry-after'], '1')
  }
  // Two at a time (one a core) hold 19 MiB each; unbounded, fifty would hold 950 MiB.
  const grownMib = (peak - baseline) / 1024 / 1024
  t.true(grownMib < 300, `RSS grew ${grownMib.toFixed(0)} MiB`)
  t.log(`${statuses.filter((status) => status === 200).length} signed in, ${statuses.filter((status) => status === 503).length} told to retry; RSS +${grownMib.toFixed(0)} MiB`)

  // Those told to retry sign in when they do (the other backends' bursts share this hasher), and the refusals cost no lockout budget.
  for (const [index, answer] of answers.entries()) {
    if (answer.statusCode !== 503) continue
    t.truthy(await eventually(async () => (await server.client.login(emails[index], TEST_PASSWORD)).statusCode === 200, 30_000, 100), emails[index])
  }
}, {
  hashing: createPasswordHasher({ ...cheapPolicy('argon2id'), argon2: PRODUCTION_ARGON2, concurrency: 2, maxWaiting: 8 }),
  env: { HEIMDALL_RATE_LIMIT_PER_MINUTE: '0' },
})

// One at a time (serialServerTest): the three databases' servers share this test's one-check hasher.
serialServerTest('a password confirmation the busy hashing queue refuses (503) costs no lockout budget: the email change and reauthentication, as the login', async (t, server) => {
  const email = uniqueEmail('busy-confirm')
  await server.client.register(email, TEST_PASSWORD)
  const { accessToken } = await server.client.loginTokens(email, TEST_PASSWORD)
  const headers = { authorization: `Bearer ${accessToken}` }
  const doors = {
    'email change': () => server.client.http.post<Record<string, any>>('auth/email/change', { json: { new_email: uniqueEmail('busy-elsewhere'), password: 'Wrong-Pass-1' }, headers }),
    'reauthentication (TOTP setup)': () => server.client.http.post<Record<string, any>>('auth/mfa/totp/setup', { json: { password: 'Wrong-Pass-1' }, headers }),
  }
  const windowMs = server.context.config.lockoutWindowSeconds * 1000
  const count = (key: string) => server.context.throttles.findThrottleCount(key, windowMs, server.context.clock.now())
  let failedSoFar = 0
  for (const [door, send] of Object.entries(doors)) {
    // One bcrypt check at a time and none waiting: of three wrong passwords at once, one is checked
    // and the others are told to retry.
    const answers = await Promise.all([send(), send(), send()])
    const busy = answers.filter((answer) => answer.statusCode === 503)
    const judged = answers.filter((answer) => answer.statusCode !== 503)
    t.true(busy.length > 0, `${door}: the queue refused some (${answers.map((answer) => answer.statusCode).join(', ')})`)
    for (const answer of busy) t.is(answer.body.code, 'password.hashing_busy', door)
    for (const answer of judged) t.is(answer.body.code, 'auth.invalid_credentials', door)
    failedSoFar += judged.length
    t.is(await count(loginFailuresKey(normalizeEmail(email))), failedSoFar, `${door}: the judged ones count as failed`)
    t.is(await count(loginLockoutKey(normalizeEmail(email))), failedSoFar, `${door}: the refused ones gave their unit back`)
  }
  t.is((await server.client.login(email, TEST_PASSWORD)).statusCode, 200, 'the right password signs in at once')
}, { hashing: createPasswordHasher(cheapPolicy('bcrypt', { bcryptCost: 12, concurrency: 1, maxWaiting: 0 })), env: { HEIMDALL_RATE_LIMIT_PER_MINUTE: '0' } })

test('the hashing queue runs one job a core, lets maxWaiting wait, refuses the next with password.hashing_busy', async (t) => {
  const { createHashingQueue } = await import('../../../src/infra/passwords/hashing-queue.js')
  const queue = createHashingQueue({ concurrency: 2, maxWaiting: 3 })
  const gates: Array<() => void> = []
  const job = () => new Promise<string>((resolve) => gates.push(() => resolve('done')))
  const accepted = Array.from({ length: 5 }, () => queue.run(job))
  t.deepEqual(queue.load, { running: 2, waiting: 3 })
  const refused = await t.throwsAsync(queue.run(job))
  t.like(refused, { code: 'password.hashing_busy', status: 503, retryAfterSeconds: 1 })
  while (gates.length > 0 || queue.load.running > 0) {
    gates.shift()?.()
    await new Promise((resolve) => setImmediate(resolve))
  }
  t.deepEqual(await Promise.all(accepted), ['done', 'done', 'done', 'done', 'done'])
  t.deepEqual(queue.load, { running: 0, waiting: 0 })
})
