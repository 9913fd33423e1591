import { claimsOf } from '../../../support/jwt.js'
import { isolatedServerTest, serverTest, TEST_PASSWORD, uniqueEmail } from '../../../support/server.js'

serverTest('logout answers 204 and the very next validation of that token fails', async (t, server) => {
  const email = uniqueEmail('logout')
  const { accessToken } = await server.client.registerAndLogin(email, TEST_PASSWORD)
  t.true((await server.client.validate(accessToken)).body.is_valid, 'cached as live first')

  const out = await server.client.logout(accessToken)
  t.is(out.statusCode, 204)
  const validation = await server.client.validate(accessToken)
  t.false(validation.body.is_valid)
  t.regex(validation.body.error, /revoked/)
  const me = await server.client.me(accessToken)
  t.is(me.statusCode, 401)
  t.is(me.headers['www-authenticate'], 'Bearer')
  t.is((await server.client.logout(accessToken)).statusCode, 401, 'a revoked token cannot log out again')
})

serverTest('logout of one of two sessions leaves the other valid', async (t, server) => {
  const email = uniqueEmail('two')
  await server.client.register(email, TEST_PASSWORD)
  const laptop = await server.client.loginTokens(email, TEST_PASSWORD)
  const phone = await server.client.loginTokens(email, TEST_PASSWORD)
  t.is((await server.client.logout(laptop.accessToken)).statusCode, 204)
  t.false((await server.client.validate(laptop.accessToken)).body.is_valid)
  t.true((await server.client.validate(phone.accessToken)).body.is_valid)
  t.is((await server.client.refresh(laptop.refreshToken)).statusCode, 401, 'the logged-out session cannot be refreshed')
  t.is((await server.client.refresh(phone.refreshToken)).statusCode, 200)
})

serverTest('logout-all revokes every session of the user and only of that user', async (t, server) => {
  const email = uniqueEmail('all')
  await server.client.register(email, TEST_PASSWORD)
  const sessions = [await server.client.loginTokens(email, TEST_PASSWORD), await server.client.loginTokens(email, TEST_PASSWORD)]
  const other = await server.client.registerAndLogin(uniqueEmail('bystander'), TEST_PASSWORD)
  for (const session of sessions) t.true((await server.client.validate(session.accessToken)).body.is_valid)

  t.is((await server.client.logoutAll(sessions[0].accessToken)).statusCode, 204)
  for (const session of sessions) {
    t.false((await server.client.validate(session.accessToken)).body.is_valid)
    t.is((await server.client.refresh(session.refreshToken)).statusCode, 401)
  }
  t.true((await server.client.validate(other.accessToken)).body.is_valid)
})

serverTest('logout without a valid bearer token is 401', async (t, server) => {
  for (const authorization of [undefined, 'Bearer nonsense', 'Basic dXNlcjpwYXNz']) {
    const response = await server.client.http.post('auth/logout', { headers: authorization ? { authorization } : {} })
    t.is(response.statusCode, 401)
    t.is(response.headers['www-authenticate'], 'Bearer')
  }
})

isolatedServerTest('logout, refresh and login write audit events without secrets', async (t, server) => {
  const email = uniqueEmail('audit')
  await server.client.register(email, TEST_PASSWORD)
  await server.client.login(email, 'Wrong-Password-1')
  const { accessToken, refreshToken } = await server.client.loginTokens(email, TEST_PASSWORD)
  const refreshed = (await server.client.refresh(refreshToken)).body
  await server.client.logout(refreshed.access_token)

  const rows = await server.context.db('audit_events').orderBy('id')
  const types = rows.map((row: { type: string }) => row.type)
  for (const type of ['user.registered', 'login.failed', 'login.succeeded', 'session.refreshed', 'logout']) t.true(types.includes(type), type)
  const dump = JSON.stringify(rows)
  for (const secret of [TEST_PASSWORD, 'Wrong-Password-1', accessToken, refreshToken, refreshed.refresh_token, refreshed.access_token]) {
    t.false(dump.includes(secret))
  }
  t.is(rows.find((row: { type: string }) => row.type === 'logout').session_id, claimsOf(accessToken).sid)
})
