import { claimsOf } from '../../../support/jwt.js'
import { isolatedServerTest, serverTest, TEST_PASSWORD, uniqueEmail } from '../../../support/server.js'

isolatedServerTest('login returns an opaque refresh token of at least 256 bits', async (t, server) => {
  const email = uniqueEmail('refresh')
  await server.client.register(email, TEST_PASSWORD)
  const { refreshToken } = await server.client.loginTokens(email, TEST_PASSWORD)
  t.is(refreshToken.split('.').length, 1, 'not a JWT')
  const randomPart = Buffer.from(refreshToken.replace(/^hrt_/, ''), 'base64url')
  t.true(randomPart.length >= 32)
  const stored = await server.context.db('refresh_tokens').select('token_hash')
  t.is(stored.length, 1)
  t.not(stored[0].token_hash, refreshToken, 'only a hash is stored')
  t.false(JSON.stringify(stored).includes(refreshToken.slice(4)))
})

serverTest('a rotation chain of 3: each refresh spends the old token and issues a working pair', async (t, server) => {
  const email = uniqueEmail('chain')
  await server.client.register(email, TEST_PASSWORD)
  let { accessToken, refreshToken } = await server.client.loginTokens(email, TEST_PASSWORD)
  const sid = claimsOf(accessToken).sid
  const seen = new Set([refreshToken])
  for (let i = 0; i < 3; i++) {
    const refreshed = await server.client.refresh(refreshToken)
    t.is(refreshed.statusCode, 200, JSON.stringify(refreshed.body))
    t.is(refreshed.body.token_type, 'bearer')
    t.false(seen.has(refreshed.body.refresh_token))
    seen.add(refreshed.body.refresh_token)
    ;({ access_token: accessToken, refresh_token: refreshToken } = refreshed.body)
    t.is(claimsOf(accessToken).sid, sid, 'the session (token family) stays the same')
    t.true((await server.client.validate(accessToken)).body.is_valid)
  }
})

serverTest('reusing the first refresh token after 2 rotations revokes the whole family', async (t, server) => {
  const email = uniqueEmail('reuse')
  await server.client.register(email, TEST_PASSWORD)
  const first = await server.client.loginTokens(email, TEST_PASSWORD)
  const second = (await server.client.refresh(first.refreshToken)).body
  const third = (await server.client.refresh(second.refresh_token)).body
  t.true((await server.client.validate(third.access_token)).body.is_valid)

  const reuse = await server.client.refresh(first.refreshToken)
  t.is(reuse.statusCode, 401)
  t.regex(reuse.body.error, /already been used/)

  const latest = await server.client.validate(third.access_token)
  t.false(latest.body.is_valid, 'the access token of the last rotation stops validating')
  t.regex(latest.body.error, /revoked/)
  t.is((await server.client.refresh(third.refresh_token)).statusCode, 401, 'the newest refresh token is dead too')
  const audit = await server.context.db('audit_events').where({ type: 'refresh.reuse_detected' })
  t.is(audit.length, 1)
})

isolatedServerTest('two concurrent refreshes with the same token: exactly one wins', async (t, server) => {
  const email = uniqueEmail('race')
  await server.client.register(email, TEST_PASSWORD)
  const { refreshToken } = await server.client.loginTokens(email, TEST_PASSWORD)
  const results = await Promise.all([server.client.refresh(refreshToken), server.client.refresh(refreshToken)])
  const statuses = results.map((result) => result.statusCode).sort()
  t.deepEqual(statuses, [200, 401])
  const issued = await server.context.db('refresh_tokens').count({ count: '*' }).first()
  t.is(Number(issued!.count), 2, 'the login token and exactly one successor: no double issue')
})

isolatedServerTest('unknown, garbage and expired refresh tokens are refused with 401', async (t, server) => {
  for (const token of ['hrt_' + 'A'.repeat(43), 'garbage', 'x'.repeat(5000)]) {
    const refused = await server.client.refresh(token)
    t.is(refused.statusCode, 401, token.slice(0, 10))
    t.is(typeof refused.body.error, 'string')
  }
  t.is((await server.client.refresh(42)).statusCode, 422)
  t.is((await server.client.post('auth/refresh', {})).statusCode, 422)

  const email = uniqueEmail('expired')
  await server.client.register(email, TEST_PASSWORD)
  const { refreshToken } = await server.client.loginTokens(email, TEST_PASSWORD)
  await server.context.db('refresh_tokens').update({ expires_at: Date.now() - 1000 })
  const expired = await server.client.refresh(refreshToken)
  t.is(expired.statusCode, 401)
  t.regex(expired.body.error, /expired/)
})

serverTest('a refresh token is never accepted as an access token, nor the reverse', async (t, server) => {
  const email = uniqueEmail('swap')
  await server.client.register(email, TEST_PASSWORD)
  const { accessToken, refreshToken } = await server.client.loginTokens(email, TEST_PASSWORD)
  t.false((await server.client.validate(refreshToken)).body.is_valid)
  t.is((await server.client.me(refreshToken)).statusCode, 401)
  t.is((await server.client.refresh(accessToken)).statusCode, 401)
})
