import jwt from 'jsonwebtoken'
import { claimsOf } from '../../../support/jwt.js'
import { isolatedServerTest, serverTest, TEST_PASSWORD, TEST_SECRET, uniqueEmail } from '../../../support/server.js'

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

serverTest('login answers 200 with an access token, token type bearer, expires_in and a refresh token', async (t, server) => {
  const email = uniqueEmail('login')
  t.is((await server.client.register(email, TEST_PASSWORD)).statusCode, 200)
  const response = await server.client.login(email, TEST_PASSWORD)
  t.is(response.statusCode, 200)
  t.deepEqual(Object.keys(response.body).sort(), ['access_token', 'expires_in', 'refresh_token', 'token_type'])
  t.regex(response.body.access_token, JWT_SHAPE)
  t.is(response.body.token_type, 'bearer')
  t.true(Number.isInteger(response.body.expires_in))
  t.true(response.body.expires_in > 0)
  t.is(typeof response.body.refresh_token, 'string')
  t.true(response.body.refresh_token.length >= 20)
  t.not(response.body.refresh_token, response.body.access_token)
  t.true((await server.client.validate(response.body.access_token)).body.is_valid, 'the fresh token validates')
})

serverTest('the access token is an HS256 JWT signed with the secret and carries the documented claims', async (t, server) => {
  const email = uniqueEmail('claims')
  const { userId, accessToken } = await server.client.registerAndLogin(email, TEST_PASSWORD)

  const header = JSON.parse(Buffer.from(accessToken.split('.')[0], 'base64url').toString('utf8'))
  t.is(header.alg, 'HS256')
  t.is(header.typ, 'JWT')

  const verified = jwt.verify(accessToken, TEST_SECRET, { algorithms: ['HS256'] }) as jwt.JwtPayload
  t.is(verified.sub, userId)
  t.regex(verified.sid, UUID)
  t.is(verified.email, email)
  t.true(Array.isArray(verified.permissions))
  t.is(verified.iss, 'heimdall')
  t.is(typeof verified.iat, 'number')
  t.is(typeof verified.exp, 'number')
  t.true(Math.abs(verified.iat! - Date.now() / 1000) < 60, 'iat is now')
  t.truthy(await server.context.db('sessions').where({ id: verified.sid, user_id: userId }).first(), 'sid names a stored session of the user')

  t.regex(verifyError(accessToken, 'some-other-secret-that-is-long-enough-0123456789', 'HS256'), /invalid signature/, 'another secret does not verify it')
  t.regex(verifyError(accessToken, TEST_SECRET, 'HS512'), /invalid algorithm/, 'only HS256 verifies it')
})

serverTest('expires_in equals exp - iat of the access token', async (t, server) => {
  const { accessToken } = await server.client.registerAndLogin(uniqueEmail('ttl'), TEST_PASSWORD)
  const response = await server.client.login((claimsOf(accessToken).email as string), TEST_PASSWORD)
  const claims = claimsOf(response.body.access_token)
  t.is(response.body.expires_in, claims.exp - claims.iat)
  t.is(response.body.expires_in, server.context.config.accessTokenTtlSeconds)
  t.is(response.body.expires_in, 15 * 60, 'the default TTL is 15 minutes')
})

isolatedServerTest('a wrong password answers 400 with an error and no token', async (t, server) => {
  const email = uniqueEmail('wrong')
  await server.client.register(email, TEST_PASSWORD)
  const response = await server.client.login(email, 'Wrong-Pass-123')
  t.is(response.statusCode, 400)
  t.is(typeof response.body.error, 'string')
  t.regex(response.body.error, /incorrect email or password/i)
  t.is(response.body.access_token, undefined)
  t.is(response.body.refresh_token, undefined)
  t.is(response.body.status_code, 400)
  t.is(response.body.path, '/auth/login')
  const [{ count }] = await server.context.db('sessions').count({ count: '*' })
  t.is(Number(count), 0, 'no session was opened')
})

serverTest('an unknown email answers 400 with a body identical to a wrong password', async (t, server) => {
  const email = uniqueEmail('known')
  await server.client.register(email, TEST_PASSWORD)
  const wrongPassword = await server.client.login(email, 'Wrong-Pass-123')
  const unknownEmail = await server.client.login(uniqueEmail('nobody'), TEST_PASSWORD)
  t.is(unknownEmail.statusCode, 400)
  t.is(wrongPassword.statusCode, 400)
  t.deepEqual(unknownEmail.body, wrongPassword.body)
  t.is(JSON.stringify(unknownEmail.body), JSON.stringify(wrongPassword.body), 'byte for byte')
  t.is(unknownEmail.headers['content-type'], wrongPassword.headers['content-type'])
})

serverTest('a case or space variant of the email logs in to the same account', async (t, server) => {
  const email = uniqueEmail('Variant.User')
  const registered = await server.client.register(email, TEST_PASSWORD)
  t.is(registered.statusCode, 200)
  for (const variant of [email.toUpperCase(), `  ${email}  `, email.toLowerCase()]) {
    const response = await server.client.login(variant, TEST_PASSWORD)
    t.is(response.statusCode, 200, JSON.stringify(variant))
    const claims = claimsOf(response.body.access_token)
    t.is(claims.sub, registered.body.user_id)
    t.is(claims.email, email.toLowerCase())
  }
})

serverTest('invalid login requests answer 422 with a detail per bad field', async (t, server) => {
  const cases: Array<{ body: unknown; fields: string[] }> = [
    { body: {}, fields: ['email', 'password'] },
    { body: { email: uniqueEmail() }, fields: ['password'] },
    { body: { password: TEST_PASSWORD }, fields: ['email'] },
    { body: { email: 'not-an-email', password: TEST_PASSWORD }, fields: ['email'] },
    { body: { email: 'user@@example.com', password: TEST_PASSWORD }, fields: ['email'] },
    { body: { email: 42, password: TEST_PASSWORD }, fields: ['email'] },
    { body: { email: uniqueEmail(), password: 12345678 }, fields: ['password'] },
  ]
  for (const { body, fields } of cases) {
    const response = await server.client.post('auth/login', body)
    t.is(response.statusCode, 422, JSON.stringify(body))
    t.is(response.body.error, 'Validation error')
    const locs = [...new Set(response.body.detail.map((d: { loc: string[] }) => d.loc.join('.')))].sort()
    t.deepEqual(locs, fields.map((f) => `body.${f}`), JSON.stringify(body))
    for (const d of response.body.detail) {
      t.is(typeof d.msg, 'string')
      t.is(typeof d.type, 'string')
    }
  }
})

serverTest('five concurrent logins of one user all succeed with distinct sessions', async (t, server) => {
  const email = uniqueEmail('concurrent')
  const registered = await server.client.register(email, TEST_PASSWORD)
  const responses = await Promise.all(Array.from({ length: 5 }, () => server.client.login(email, TEST_PASSWORD)))
  for (const response of responses) t.is(response.statusCode, 200, JSON.stringify(response.body))
  const claims = responses.map((response) => claimsOf(response.body.access_token))
  t.is(new Set(claims.map((c) => c.sid)).size, 5, 'five distinct sids')
  t.true(claims.every((c) => c.sub === registered.body.user_id))
  t.is(new Set(responses.map((r) => r.body.refresh_token)).size, 5, 'five distinct refresh tokens')
  for (const response of responses) t.true((await server.client.validate(response.body.access_token)).body.is_valid)
  const [{ count }] = await server.context.db('sessions').where({ user_id: registered.body.user_id }).count({ count: '*' })
  t.is(Number(count), 5)
})

/** The message jsonwebtoken throws when verifying fails, or '' when it verifies. */
function verifyError(token: string, secret: string, algorithm: jwt.Algorithm): string {
  try {
    jwt.verify(token, secret, { algorithms: [algorithm] })
    return ''
  } catch (error) {
    return String((error as { message?: string }).message)
  }
}

serverTest('a password shorter than 8 characters answers 422 pointing at the password, and is not a failed attempt', async (t, server) => {
  const email = uniqueEmail('short')
  t.is((await server.client.register(email, TEST_PASSWORD)).statusCode, 200)
  for (const password of ['short', '', 'Aa1']) {
    const response = await server.client.login(email, password)
    t.is(response.statusCode, 422, JSON.stringify(password))
    t.is(response.body.error, 'Validation error')
    const entries = response.body.detail.filter((d: { loc: string[] }) => d.loc.join('.') === 'body.password')
    t.true(entries.length > 0, JSON.stringify(response.body.detail))
    t.regex(entries[0].msg, /at least 8 characters/)
  }
  t.is((await server.client.login('test@example.com', 'short')).statusCode, 422, 'the same for an unknown email')
  for (let i = 0; i < 6; i++) await server.client.login(email, 'short')
  t.is((await server.client.login(email, TEST_PASSWORD)).statusCode, 200, 'refused input never locks the account')
})
