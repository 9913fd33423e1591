import { randomUUID } from 'node:crypto'
import jwt from 'jsonwebtoken'
import { claimsOf } from '../../../support/jwt.js'
import { fastestAverageMs } from '../../../support/timing.js'
import { serialServerTest, serverTest, TEST_PASSWORD, TEST_SECRET, uniqueEmail, type TestServer } from '../../../support/server.js'
import type { ExecutionContext } from 'ava'

const OTHER_SECRET = 'another-secret-that-is-long-enough-for-hs256-9876543210'

/** The body of an invalid validation: no user, no permissions, a string saying why. */
function assertInvalid(t: ExecutionContext, response: { statusCode: number; body: any }, why?: RegExp): void {
  t.is(response.statusCode, 200, 'validation of a well-formed request is always 200')
  t.deepEqual(Object.keys(response.body).sort(), ['amr', 'email', 'email_verified', 'error', 'is_valid', 'permissions', 'user_id'])
  t.false(response.body.is_valid)
  t.is(response.body.user_id, null)
  t.is(response.body.email, null)
  t.is(response.body.email_verified, null)
  t.deepEqual(response.body.permissions, [])
  t.deepEqual(response.body.amr, [])
  t.is(typeof response.body.error, 'string')
  t.true(response.body.error.length > 0)
  if (why) t.regex(response.body.error, why)
}

async function loggedIn(server: TestServer, label: string) {
  const email = uniqueEmail(label)
  const { userId, accessToken } = await server.client.registerAndLogin(email, TEST_PASSWORD)
  return { email, userId, accessToken }
}

serverTest('a fresh token validates: user fields set, permissions an array, error null', async (t, server) => {
  const { email, userId, accessToken } = await loggedIn(server, 'valid')
  const response = await server.client.validate(accessToken)
  t.is(response.statusCode, 200)
  t.deepEqual(Object.keys(response.body).sort(), ['amr', 'email', 'email_verified', 'error', 'is_valid', 'permissions', 'user_id'])
  t.true(response.body.is_valid)
  t.deepEqual(response.body.amr, ['pwd'], 'RFC 8176: a password login')
  t.is(response.body.user_id, userId)
  t.is(response.body.email, email)
  t.is(response.body.email_verified, false, 'a fresh registration has not confirmed its address yet')
  t.true(Array.isArray(response.body.permissions))
  t.deepEqual(response.body.permissions, claimsOf(accessToken).permissions)
  t.is(response.body.error, null)
})

serverTest('malformed tokens are invalid with a 200 answer', async (t, server) => {
  const { accessToken } = await loggedIn(server, 'malformed')
  const [header, payload] = accessToken.split('.')
  for (const token of ['not-a-jwt', 'a.b.c', `${header}.${payload}`, `${header}.${payload}.`, `${header}.!!!.sig`, ' ', accessToken.slice(0, -10)]) {
    assertInvalid(t, await server.client.validate(token), /token|invalid|signature|malformed/i)
  }
})

serverTest('a token with the same claims signed with another secret is invalid: bad signature', async (t, server) => {
  const { accessToken } = await loggedIn(server, 'badsig')
  const forged = jwt.sign(claimsOf(accessToken), OTHER_SECRET, { algorithm: 'HS256' })
  assertInvalid(t, await server.client.validate(forged), /signature/i)
  // Tampering with the payload of a real token breaks its signature too, also once the real token
  // is in the verified-token cache, which finds entries by signature.
  t.true((await server.client.validate(accessToken)).body.is_valid)
  const [header, , signature] = accessToken.split('.')
  const tampered = Buffer.from(JSON.stringify({ ...claimsOf(accessToken), email: 'admin@example.com' })).toString('base64url')
  assertInvalid(t, await server.client.validate(`${header}.${tampered}.${signature}`), /signature/i)
  t.true((await server.client.validate(accessToken)).body.is_valid, 'the original still validates')
})

serverTest('an expired token signed with the real secret is invalid and says "expired"', async (t, server) => {
  const { accessToken } = await loggedIn(server, 'expired')
  const { sub, sid, email, permissions, iss } = claimsOf(accessToken)
  t.is(iss, server.context.config.jwtIssuer)
  const now = Math.floor(Date.now() / 1000)
  const expired = jwt.sign({ sub, sid, email, permissions, iss, iat: now - 3600, exp: now - 60 }, TEST_SECRET, { algorithm: 'HS256' })
  assertInvalid(t, await server.client.validate(expired), /expired/i)
  const me = await server.client.me(expired)
  t.is(me.statusCode, 401)
  t.regex(me.body.error, /expired/i)
  // The same claims with a future exp are accepted: only the expiry made the difference.
  const fresh = jwt.sign({ sub, sid, email, permissions, iss, iat: now, exp: now + 600 }, TEST_SECRET, { algorithm: 'HS256' })
  t.true((await server.client.validate(fresh)).body.is_valid)
})

serverTest('a revoked session and an unknown session make correctly signed tokens invalid', async (t, server) => {
  const { accessToken } = await loggedIn(server, 'revoked')
  t.true((await server.client.validate(accessToken)).body.is_valid)
  t.is((await server.client.logout(accessToken)).statusCode, 204)
  assertInvalid(t, await server.client.validate(accessToken), /revoked/i)

  const other = await loggedIn(server, 'unknown-session')
  const { sub, email, permissions, iss } = claimsOf(other.accessToken)
  const now = Math.floor(Date.now() / 1000)
  const unknownSession = jwt.sign({ sub, sid: randomUUID(), email, permissions, iss, iat: now, exp: now + 600 }, TEST_SECRET, { algorithm: 'HS256' })
  jwt.verify(unknownSession, TEST_SECRET, { algorithms: ['HS256'] })
  assertInvalid(t, await server.client.validate(unknownSession), /session/i)
  t.true((await server.client.validate(other.accessToken)).body.is_valid, 'the real session of that user is unaffected')
})

serverTest('the same token validates five times with the same answer', async (t, server) => {
  const { userId, accessToken } = await loggedIn(server, 'repeat')
  const bodies = []
  for (let i = 0; i < 5; i++) {
    const response = await server.client.validate(accessToken)
    t.is(response.statusCode, 200)
    t.true(response.body.is_valid)
    t.is(response.body.user_id, userId)
    bodies.push(response.body)
  }
  for (const body of bodies) t.deepEqual(body, bodies[0])
})

serialServerTest('twenty sequential validations average under 100 ms (fastest of 3 batches)', async (t, server) => {
  const { accessToken } = await loggedIn(server, 'speed')
  await server.client.validate(accessToken) // warm the connection and the session cache
  const averageMs = await fastestAverageMs(async () => t.true((await server.client.validate(accessToken)).body.is_valid), 20)
  t.log(`average validation: ${averageMs.toFixed(2)} ms`)
  t.true(averageMs < 100, `${averageMs} ms`)
})

serverTest('GET /auth/me answers the validation body for a valid token and 401 + WWW-Authenticate otherwise', async (t, server) => {
  const { accessToken } = await loggedIn(server, 'me')
  const me = await server.client.me(accessToken)
  t.is(me.statusCode, 200)
  t.deepEqual(me.body, (await server.client.validate(accessToken)).body)
  t.true(me.body.is_valid)

  const forged = jwt.sign(claimsOf(accessToken), OTHER_SECRET, { algorithm: 'HS256' })
  const attempts: Array<[string, string | undefined]> = [
    ['missing header', undefined],
    ['empty bearer', 'Bearer '],
    ['basic scheme', 'Basic dXNlcjpwYXNz'],
    ['no scheme', accessToken],
    ['garbage token', 'Bearer not-a-jwt'],
    ['bad signature', `Bearer ${forged}`],
  ]
  for (const [name, authorization] of attempts) {
    const response = await server.client.http.get('auth/me', { headers: authorization === undefined ? {} : { authorization } })
    t.is(response.statusCode, 401, name)
    t.is(response.headers['www-authenticate'], 'Bearer', name)
    t.is(typeof (response.body as any).error, 'string', name)
    t.is((response.body as any).status_code, 401, name)
    t.is((response.body as any).user_id, undefined, name)
  }
  await server.client.logout(accessToken)
  const revoked = await server.client.me(accessToken)
  t.is(revoked.statusCode, 401)
  t.is(revoked.headers['www-authenticate'], 'Bearer')
  t.regex(revoked.body.error, /revoked/i)
})
