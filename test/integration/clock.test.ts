// The context's clock (ContextOptions.clock) is the one every rule about time reads, end to end over
// HTTP: token expiry (signing, the full check and the verified-token cache), lockout windows and TOTP
// steps. The test clock moves; nothing here sleeps.
import { clockedServerTest } from '../aux/clock.js'
import { claimsOf } from '../aux/jwt.js'
import { enrolTotp, postJson, registerVerifiedAndLogin, totpCode } from '../aux/mfa.js'
import { TEST_PASSWORD, uniqueEmail } from '../aux/server.js'

const ACCESS_TOKEN_TTL_SECONDS = 15 * 60
const TOTP_STEP_MS = 30_000

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

  clock.advance((retryAfter - 5) * 1000)
  const stillLocked = await server.client.login(email, TEST_PASSWORD)
  t.is(stillLocked.statusCode, 429, 'five seconds before the window ends')
  t.true(Number(stillLocked.headers['retry-after']) <= 6, `Retry-After ${stillLocked.headers['retry-after']} counts down on the clock`)

  clock.advance(5_100)
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
