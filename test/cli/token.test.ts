import { runCli } from '../support/cli.js'
import { claimsOf } from '../support/jwt.js'
import { serverTest, TEST_PASSWORD, uniqueEmail } from '../support/server.js'

serverTest('token:verify accepts a valid token and prints who it belongs to', async (t, server) => {
  const email = uniqueEmail('verify')
  const { userId, accessToken } = await server.client.registerAndLogin(email, TEST_PASSWORD)

  const human = await runCli(['token:verify', accessToken], { env: server.env })
  t.is(human.code, 0, human.stderr)
  t.regex(human.stdout, new RegExp(userId))
  t.regex(human.stdout, new RegExp(email.replace(/\./g, '\\.')))
  t.regex(human.stdout, /session:read, user:read/)
  t.regex(human.stdout, /expires_at: +\d{4}-\d\d-\d\dT/)

  const json = await runCli(['token:verify', accessToken, '--json'], { env: server.env })
  t.is(json.code, 0)
  const body = JSON.parse(json.stdout)
  t.like(body, { is_valid: true, user_id: userId, email, permissions: ['session:read', 'user:read'] })
})

serverTest('token:verify rejects an invalid token with the reason', async (t, server) => {
  const garbage = await runCli(['token:verify', 'not.a.token'], { env: server.env })
  t.not(garbage.code, 0)
  t.regex(garbage.stderr, /Token is not valid/)

  const { accessToken } = await server.client.registerAndLogin(uniqueEmail(), TEST_PASSWORD)
  const [header, payload] = accessToken.split('.')
  const forged = await runCli(['token:verify', `${header}.${payload}.${'A'.repeat(43)}`], { env: server.env })
  t.not(forged.code, 0)
  t.regex(forged.stderr, /signature/i)
})

serverTest('token:verify rejects the token of a session revoked with session:revoke', async (t, server) => {
  const { accessToken } = await server.client.registerAndLogin(uniqueEmail('revoked'), TEST_PASSWORD)
  const { sid } = claimsOf(accessToken)

  const revoked = await runCli(['session:revoke', sid], { env: server.env })
  t.is(revoked.code, 0, revoked.stderr)

  const verify = await runCli(['token:verify', accessToken], { env: server.env })
  t.not(verify.code, 0)
  t.regex(verify.stderr, /revoked/)

  const again = await runCli(['session:revoke', sid], { env: server.env })
  t.not(again.code, 0, 'a session can be revoked once')
})

serverTest('token:inspect decodes without trusting and shows the session state', async (t, server) => {
  const { accessToken } = await server.client.registerAndLogin(uniqueEmail('inspect'), TEST_PASSWORD)
  const inspected = await runCli(['token:inspect', accessToken, '--json'], { env: server.env })
  t.is(inspected.code, 0, inspected.stderr)
  const body = JSON.parse(inspected.stdout)
  t.is(body.header.alg, 'HS256')
  t.is(body.claims.sid, claimsOf(accessToken).sid)
  t.is(body.session.state, 'active')
  t.false(body.expired)

  const human = await runCli(['token:inspect', accessToken], { env: server.env })
  t.regex(human.stdout, /in 1[45] min/)

  const notJwt = await runCli(['token:inspect', 'nonsense'], { env: server.env })
  t.not(notJwt.code, 0)
  t.regex(notJwt.stderr, /cannot be decoded/)
})
