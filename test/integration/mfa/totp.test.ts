import { claimsOf } from '../../support/jwt.js'
import { enrolTotp, postJson, sharedServers, totpCode, registerVerifiedAndLogin } from '../../support/mfa.js'
import { TEST_PASSWORD, uniqueEmail } from '../../support/server.js'

const servers = sharedServers()

servers.each('TOTP: setup, confirm, then login needs a code; amr reaches the token, validation, /auth/me, introspection and refresh', async (t, server) => {
  const { client } = server
  const email = uniqueEmail('totp')
  const { accessToken } = await registerVerifiedAndLogin(server, email, TEST_PASSWORD)
  t.deepEqual(claimsOf(accessToken).amr, ['pwd'], 'a password login says so')
  t.deepEqual((await client.validate(accessToken)).body.amr, ['pwd'])

  const setup = await postJson(client, 'auth/mfa/totp/setup', { password: TEST_PASSWORD }, accessToken)
  t.is(setup.statusCode, 200)
  t.regex(setup.body.secret, /^[A-Z2-7]{32}$/)
  t.true(setup.body.otpauth_uri.startsWith('otpauth://totp/'))
  t.true(setup.body.otpauth_uri.includes(`secret=${setup.body.secret}`))
  t.regex(setup.body.qr_svg, /^<svg[\s\S]*<\/svg>\s*$/)
  t.is((await client.login(email, TEST_PASSWORD)).statusCode, 200, 'a pending secret is no second factor yet')

  const row = await server.context.db('mfa_totp').first()
  t.regex(String(row.secret_encrypted), /^v2\.[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+$/, 'sealed at rest, under a data key named in the value')
  t.false(String(row.secret_encrypted).includes(setup.body.secret))

  const confirmCode = await totpCode(setup.body.secret)
  const confirmed = await postJson(client, 'auth/mfa/totp/confirm', { code: confirmCode }, accessToken)
  t.is(confirmed.statusCode, 200)
  t.is(confirmed.body.recovery_codes.length, 10)
  t.is(new Set(confirmed.body.recovery_codes).size, 10)

  const first = await client.login(email, TEST_PASSWORD)
  t.is(first.statusCode, 403)
  t.is(first.body.error, 'mfa_required')
  t.deepEqual(first.body.methods, ['totp', 'recovery_code'])
  t.is(first.body.expires_in, 300)
  t.is(first.body.access_token, undefined, 'no token before the second factor')
  t.regex(first.body.mfa_token, /^hmt_/)

  const replayOfConfirm = await postJson(client, 'auth/login/mfa', { mfa_token: first.body.mfa_token, code: confirmCode })
  t.is(replayOfConfirm.statusCode, 400, 'the code that confirmed cannot log in too')
  const nextCode = await totpCode(setup.body.secret, 1)
  const done = await postJson(client, 'auth/login/mfa', { mfa_token: first.body.mfa_token, code: nextCode })
  t.is(done.statusCode, 200, JSON.stringify(done.body))
  t.deepEqual(claimsOf(done.body.access_token).amr, ['pwd', 'otp', 'mfa'])
  t.deepEqual((await client.validate(done.body.access_token)).body.amr, ['pwd', 'otp', 'mfa'])
  t.deepEqual((await client.me(done.body.access_token)).body.amr, ['pwd', 'otp', 'mfa'])
  const introspected = await client.http.post<{ amr: string[] }>('oauth/introspect', { form: { token: done.body.access_token } })
  t.deepEqual(introspected.body.amr, ['pwd', 'otp', 'mfa'])
  const refreshed = await client.refresh(done.body.refresh_token)
  t.deepEqual(claimsOf(refreshed.body.access_token).amr, ['pwd', 'otp', 'mfa'], 'a refreshed token keeps the methods of its session')

  const again = await client.login(email, TEST_PASSWORD)
  t.is(again.statusCode, 403)
  t.is((await postJson(client, 'auth/login/mfa', { mfa_token: again.body.mfa_token, code: nextCode })).statusCode, 400, 'a code is never accepted twice')
  t.is((await postJson(client, 'auth/login/mfa', { mfa_token: again.body.mfa_token, code: await totpCode(setup.body.secret, 3) })).statusCode, 400, 'three steps ahead is too far')
  t.is((await postJson(client, 'auth/login/mfa', { mfa_token: `hmt_${'x'.repeat(43)}`, code: nextCode })).statusCode, 401)
  t.is((await postJson(client, 'auth/login/mfa', { mfa_token: first.body.mfa_token, code: await totpCode(setup.body.secret, -1) })).statusCode, 401, 'a success spends the mfa_token')
})

servers.each('TOTP setup: password, bearer and state checks; disable brings back the one-step login', async (t, server) => {
  const { client } = server
  const email = uniqueEmail('setup')
  const { accessToken } = await registerVerifiedAndLogin(server, email, TEST_PASSWORD)
  t.is((await postJson(client, 'auth/mfa/totp/setup', { password: TEST_PASSWORD })).statusCode, 401)
  t.is((await postJson(client, 'auth/mfa/totp/setup', { password: 'Wrong-Pass-1' }, accessToken)).statusCode, 400)
  t.is((await postJson(client, 'auth/mfa/totp/setup', {}, accessToken)).statusCode, 422)
  t.is((await postJson(client, 'auth/mfa/totp/confirm', { code: '123456' }, accessToken)).statusCode, 409, 'nothing to confirm')
  const first = await postJson(client, 'auth/mfa/totp/setup', { password: TEST_PASSWORD }, accessToken)
  const second = await postJson(client, 'auth/mfa/totp/setup', { password: TEST_PASSWORD }, accessToken)
  t.not(first.body.secret, second.body.secret, 'a pending secret is replaced')
  t.is((await postJson(client, 'auth/mfa/totp/confirm', { code: await totpCode(first.body.secret) }, accessToken)).statusCode, 400, 'the replaced secret is gone')
  t.is((await postJson(client, 'auth/mfa/totp/confirm', { code: 'abcdef' }, accessToken)).statusCode, 422)
  t.is((await postJson(client, 'auth/mfa/totp/confirm', { code: await totpCode(second.body.secret) }, accessToken)).statusCode, 200)
  t.is((await postJson(client, 'auth/mfa/totp/setup', { password: TEST_PASSWORD }, accessToken)).statusCode, 409, 'disable first')

  t.is((await postJson(client, 'auth/mfa/totp/disable', { password: 'Wrong-Pass-1' }, accessToken)).statusCode, 400)
  t.is((await postJson(client, 'auth/mfa/totp/disable', { password: TEST_PASSWORD }, accessToken)).statusCode, 204)
  t.is((await postJson(client, 'auth/mfa/totp/disable', { password: TEST_PASSWORD }, accessToken)).statusCode, 409)
  const login = await client.login(email, TEST_PASSWORD)
  t.is(login.statusCode, 200)
  t.deepEqual(claimsOf(login.body.access_token).amr, ['pwd'])
  const user = await server.context.db('users').where({ email }).first()
  t.is(Number((await server.context.db('mfa_recovery_codes').where({ user_id: user.id }).count({ count: '*' }).first())!.count), 0, 'recovery codes go with the last factor')
  const events = (await server.context.db('audit_events').where({ user_id: user.id }).select('type')).map((row: { type: string }) => row.type)
  for (const type of ['mfa.totp.setup_started', 'mfa.totp.enrolled', 'mfa.totp.disabled', 'reauthentication.failed']) t.true(events.includes(type), type)
})

servers.each('recovery codes: each works once, in place of a code; replacing them voids the old ones', async (t, server) => {
  const { client } = server
  const email = uniqueEmail('recovery')
  const { accessToken } = await registerVerifiedAndLogin(server, email, TEST_PASSWORD)
  const { recoveryCodes } = await enrolTotp(client, accessToken)
  const user = await server.context.db('users').where({ email }).first()
  const stored = await server.context.db('mfa_recovery_codes').where({ user_id: user.id })
  t.is(stored.length, 10)
  t.false(stored.some((row: { code_hash: string }) => recoveryCodes.some((code) => row.code_hash.includes(code.replace(/-/g, '')))), 'only hashes are stored')

  const login = await client.login(email, TEST_PASSWORD)
  const used = await postJson(client, 'auth/login/mfa', { mfa_token: login.body.mfa_token, recovery_code: recoveryCodes[0].toUpperCase() })
  t.is(used.statusCode, 200, 'case and dashes do not matter')
  t.deepEqual(claimsOf(used.body.access_token).amr, ['pwd', 'otp', 'mfa'])
  const again = await client.login(email, TEST_PASSWORD)
  t.is((await postJson(client, 'auth/login/mfa', { mfa_token: again.body.mfa_token, recovery_code: recoveryCodes[0] })).statusCode, 400, 'single use')
  t.is((await postJson(client, 'auth/login/mfa', { mfa_token: again.body.mfa_token, recovery_code: recoveryCodes[1], code: '123456' })).statusCode, 422, 'one factor at a time')

  t.is((await postJson(client, 'auth/mfa/recovery-codes', { password: 'Wrong-Pass-1' }, accessToken)).statusCode, 400)
  const replaced = await postJson(client, 'auth/mfa/recovery-codes', { password: TEST_PASSWORD }, accessToken)
  t.is(replaced.statusCode, 200)
  t.is(replaced.body.recovery_codes.length, 10)
  t.is((await postJson(client, 'auth/login/mfa', { mfa_token: again.body.mfa_token, recovery_code: recoveryCodes[2] })).statusCode, 400, 'old codes are void')
  t.is((await postJson(client, 'auth/login/mfa', { mfa_token: again.body.mfa_token, recovery_code: replaced.body.recovery_codes[9] })).statusCode, 200)
  const events = (await server.context.db('audit_events').where({ user_id: user.id }).select('type')).map((row: { type: string }) => row.type)
  for (const type of ['mfa.recovery_code.used', 'mfa.recovery_codes.replaced', 'mfa.failed', 'login.mfa_required']) t.true(events.includes(type), type)
})

servers.each('20 parallel wrong codes: the lockout budget holds, the password step counted in it', async (t, server) => {
  const { client } = server
  const email = uniqueEmail('guess')
  const { accessToken } = await registerVerifiedAndLogin(server, email, TEST_PASSWORD)
  const { secret } = await enrolTotp(client, accessToken)
  const login = await client.login(email, TEST_PASSWORD)
  t.is(login.statusCode, 403)
  const right = await totpCode(secret, 1)
  const wrong = String((Number(right) + 500000) % 1000000).padStart(6, '0')
  const results = await Promise.all(Array.from({ length: 20 }, () => postJson(client, 'auth/login/mfa', { mfa_token: login.body.mfa_token, code: wrong })))
  const statuses = results.map((result) => result.statusCode)
  t.is(statuses.filter((status) => status === 400).length, 4, `statuses ${statuses.join(',')}`)
  t.is(statuses.filter((status) => status === 429).length, 16)
  t.true(results.filter((result) => result.statusCode === 429).every((result) => Number(result.headers['retry-after']) > 0))
  const user = await server.context.db('users').where({ email }).first()
  const failed = await server.context.db('audit_events').where({ user_id: user.id, type: 'mfa.failed' }).count({ count: '*' }).first()
  t.is(Number(failed!.count), 4, 'only 4 guesses were checked')
  t.is((await postJson(client, 'auth/login/mfa', { mfa_token: login.body.mfa_token, code: right })).statusCode, 429, 'even the right code waits out the lockout')
  t.is((await client.login(email, TEST_PASSWORD)).statusCode, 429, 'and so does the password')
})

servers.each('mfa_token: unknown, expired and missing tokens are refused', async (t, server) => {
  const { client } = server
  const email = uniqueEmail('token')
  const { accessToken } = await registerVerifiedAndLogin(server, email, TEST_PASSWORD)
  const { secret } = await enrolTotp(client, accessToken)
  const login = await client.login(email, TEST_PASSWORD)
  t.is((await postJson(client, 'auth/login/mfa', { mfa_token: 'hmt_unknown', code: '123456' })).statusCode, 401)
  t.is((await postJson(client, 'auth/login/mfa', { code: '123456' })).statusCode, 422)
  t.is((await postJson(client, 'auth/login/mfa', { mfa_token: login.body.mfa_token })).statusCode, 422)
  const user = await server.context.db('users').where({ email }).first()
  await server.context.db('mfa_challenges').where({ purpose: 'mfa_login', user_id: user.id }).update({ expires_at: Date.now() - 1 })
  t.is((await postJson(client, 'auth/login/mfa', { mfa_token: login.body.mfa_token, code: await totpCode(secret, 1) })).statusCode, 401, 'expired')
})

servers.each('parallel enrolments of many users all succeed: replacing recovery codes cannot deadlock on MariaDB', async (t, server) => {
  const { client } = server
  const accounts = await Promise.all(Array.from({ length: 12 }, () => registerVerifiedAndLogin(server, uniqueEmail('parallel-enrol'), TEST_PASSWORD)))
  const setups = await Promise.all(accounts.map(({ accessToken }) => postJson(client, 'auth/mfa/totp/setup', { password: TEST_PASSWORD }, accessToken)))
  t.deepEqual(setups.map((setup) => setup.statusCode), accounts.map(() => 200))
  const confirms = await Promise.all(
    accounts.map(async ({ accessToken }, index) => postJson(client, 'auth/mfa/totp/confirm', { code: await totpCode(setups[index].body.secret) }, accessToken)),
  )
  t.deepEqual(confirms.map((confirm) => confirm.statusCode), accounts.map(() => 200), JSON.stringify(confirms.filter((confirm) => confirm.statusCode !== 200).map((confirm) => confirm.body)))
  const replaced = await Promise.all(accounts.map(({ accessToken }) => postJson(client, 'auth/mfa/recovery-codes', { password: TEST_PASSWORD }, accessToken)))
  t.deepEqual(replaced.map((result) => result.statusCode), accounts.map(() => 200), 'and so can replacing them all at once')
})

servers.each('parallel TOTP setups of one user all succeed: the last secret stays pending, none answers 500', async (t, server) => {
  const { client } = server
  const { accessToken } = await registerVerifiedAndLogin(server, uniqueEmail('parallel-setup'), TEST_PASSWORD)
  const setups = await Promise.all(Array.from({ length: 6 }, () => postJson(client, 'auth/mfa/totp/setup', { password: TEST_PASSWORD }, accessToken)))
  t.deepEqual(setups.map((setup) => setup.statusCode), setups.map(() => 200), JSON.stringify(setups.map((setup) => setup.body.error ?? '')))
  const confirmed = await Promise.all(setups.map(async (setup) => postJson(client, 'auth/mfa/totp/confirm', { code: await totpCode(setup.body.secret) }, accessToken)))
  t.is(confirmed.filter((result) => result.statusCode === 200).length, 1, 'only the secret that stayed pending confirms')
  t.true(confirmed.every((result) => [200, 400, 409].includes(result.statusCode)), confirmed.map((result) => result.statusCode).join(','))
})
