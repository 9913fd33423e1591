// The context's clock (ContextOptions.clock) is the one every rule about time reads, end to end over
// HTTP: token expiry (signing, the full check and the verified-token cache), lockout windows and TOTP
// steps, reset links. The test clock moves; nothing here sleeps.
import test from 'ava'
import { clockedServerTest, createTestClock } from '../support/clock.js'
import { backends } from '../support/db.js'
import { claimsOf } from '../support/jwt.js'
import { linkMail, SUBJECTS } from '../support/mail-links.js'
import { enrolTotp, postJson, registerVerifiedAndLogin, totpCode } from '../support/mfa.js'
import { startTestServer, TEST_PASSWORD, uniqueEmail } from '../support/server.js'
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.js'

const ACCESS_TOKEN_TTL_SECONDS = 15 * 60
const TOTP_STEP_MS = 30_000
const RESET_LINK_TTL_MS = 30 * 60 * 1000

for (const alg of ['HS256', 'EdDSA']) {
  clockedServerTest(
    `${alg}: access tokens are refused by /auth/validate once the clock passes their exp, and new ones are stamped with the clock's time`,
    async (t, server, clock) => {
      const email = uniqueEmail('clock-exp')
      const { accessToken: seen } = await server.client.registerAndLogin(email, TEST_PASSWORD)
      t.true((await server.client.validate(seen).then((answer) => answer.body.is_valid)), 'validated once, so its verification is cached')
      const { accessToken: unseen } = await server.client.loginTokens(email, TEST_PASSWORD)

      clock.advance((ACCESS_TOKEN_TTL_SECONDS - 60) * 1000)
      t.true((await server.client.validate(seen)).body.is_valid, 'a minute before exp it still stands')

      clock.advance(61_000)
      const cached = await server.client.validate(seen)
      t.is(cached.statusCode, 200)
      t.false(cached.body.is_valid, 'the cached verification is checked against the clock')
      t.regex(cached.body.error, /expired/i)
      const full = await server.client.validate(unseen)
      t.false(full.body.is_valid, 'so is a token verified for the first time (the library checks exp at the clock\'s time)')
      t.regex(full.body.error, /expired/i)
      const me = await server.client.me(seen)
      t.is(me.statusCode, 401)
      t.regex(me.body.error, /expired/i)

      // The system clock is now 15 minutes behind: a token stamped by it would be expired already,
      // and this one's iat would be refused as issued in the future if the check read that clock.
      const { accessToken: fresh } = await server.client.loginTokens(email, TEST_PASSWORD)
      const claims = claimsOf(fresh)
      t.true(claims.iat >= Math.floor(clock.now() / 1000) - 5 && claims.iat <= Math.floor(clock.now() / 1000), `iat ${claims.iat} is the clock's now`)
      t.is(claims.exp - claims.iat, ACCESS_TOKEN_TTL_SECONDS)
      t.true((await server.client.validate(fresh)).body.is_valid)
    },
    { env: alg === 'HS256' ? {} : { HEIMDALL_JWT_ALG: alg } },
  )
}

clockedServerTest('a lockout holds until the clock passes its window (the default 15 minutes), then lets the right password in', async (t, server, clock) => {
  const email = uniqueEmail('clock-lock')
  await server.client.register(email, TEST_PASSWORD)
  for (let i = 0; i < 5; i++) t.is((await server.client.login(email, 'Wrong-Pass-1')).statusCode, 400)
  const locked = await server.client.login(email, TEST_PASSWORD)
  t.is(locked.statusCode, 429)
  const retryAfter = Number(locked.headers['retry-after'])
  t.true(retryAfter > 15 * 60 - 60 && retryAfter <= 15 * 60, `Retry-After ${retryAfter} is about the whole window`)

  // A minute short: the test clock runs on with the system's, and a loaded machine has taken over 5 s between two logins.
  clock.advance((retryAfter - 60) * 1000)
  const stillLocked = await server.client.login(email, TEST_PASSWORD)
  t.is(stillLocked.statusCode, 429, 'a minute before the window ends')
  t.true(Number(stillLocked.headers['retry-after']) <= 61, `Retry-After ${stillLocked.headers['retry-after']} counts down on the clock`)

  clock.advance(60_100)
  t.is((await server.client.login(email, TEST_PASSWORD)).statusCode, 200)
})

clockedServerTest('TOTP codes are checked at the clock\'s time step, not the system\'s', async (t, server, clock) => {
  const email = uniqueEmail('clock-totp')
  const { accessToken } = await registerVerifiedAndLogin(server, email)
  const { secret } = await enrolTotp(server.client, accessToken)

  const steps = 20
  clock.advance(steps * TOTP_STEP_MS)
  const challenge = await server.client.login(email, TEST_PASSWORD)
  t.is(challenge.statusCode, 403)
  t.is(challenge.body.error, 'mfa_required')
  const systemStep = await postJson(server.client, 'auth/login/mfa', { mfa_token: challenge.body.mfa_token, code: await totpCode(secret, 1) })
  t.is(systemStep.statusCode, 400, 'the code of the system clock\'s next step is ten minutes behind the server\'s clock')
  const clockStep = await postJson(server.client, 'auth/login/mfa', { mfa_token: challenge.body.mfa_token, code: await totpCode(secret, steps) })
  t.is(clockStep.statusCode, 200, JSON.stringify(clockStep.body))
  t.deepEqual(claimsOf(clockStep.body.access_token).amr, ['pwd', 'otp', 'mfa'])
})

let smtp: TestSmtpServer
test.before(async () => {
  smtp = await startSmtpServer()
})
test.after.always(async () => {
  await smtp?.close()
})

for (const backend of backends()) {
  test(`a reset link expires when the clock passes its lifetime; a mail queued with the clock ahead of the system's still goes out at once [${backend}]`, async (t) => {
    const clock = createTestClock()
    const server = await startTestServer(backend, { clock, env: { HEIMDALL_SMTP_URL: smtp.url, HEIMDALL_MAIL_POLL_MS: '100' } })
    try {
      const email = uniqueEmail('clock-link')
      t.is((await server.client.register(email, TEST_PASSWORD)).statusCode, 200)
      t.is((await server.client.post('auth/password/forgot', { email })).statusCode, 202)
      const first = await linkMail(smtp, email, SUBJECTS.reset, 0)

      clock.advance(RESET_LINK_TTL_MS + 1000)
      const expired = await server.client.post('auth/password/reset', { token: first.token, new_password: 'Brand-New-Pass-456' })
      t.deepEqual(expired.body, { error: 'This link has expired: ask for a new one', status_code: 400, path: '/auth/password/reset', code: 'recovery.invalid_token' })

      t.is((await server.client.post('auth/password/forgot', { email })).statusCode, 202)
      const second = await linkMail(smtp, email, SUBJECTS.reset, 1)
      t.is((await server.client.post('auth/password/reset', { token: second.token, new_password: 'Brand-New-Pass-456' })).statusCode, 200, 'a link minted on the clock lives its lifetime from the clock\'s now')
      t.is((await server.client.login(email, 'Brand-New-Pass-456')).statusCode, 200)
    } finally {
      await server.close()
    }
  })
}
