import test from 'ava'
import { runCli } from '../support/cli.js'
import { eventually } from '../support/eventually.js'
import { claimsOf } from '../support/jwt.js'
import { isolatedServerTest, serverTest, TEST_PASSWORD, uniqueEmail, configureFileServers } from '../support/server.js'
import { changeUserRole } from '../../src/usecases/roles/change-user-role.js'

// The CLI's changes reach a running server within 1 s at the production revocation poll (250 ms):
// the test servers' slower poll (test/support/server.ts) would make that bound a race.
configureFileServers({ env: { HEIMDALL_REVOCATION_POLL_MS: '250' } })

serverTest('role:list shows the seeded roles and their permissions', async (t, server) => {
  const listed = await runCli(['role:list', '--json'], { env: server.env })
  t.is(listed.code, 0, listed.stderr)
  const roles = JSON.parse(listed.stdout)
  t.deepEqual(roles.find((role: { name: string }) => role.name === 'user').permissions, ['session:read', 'user:read'])
  t.truthy(roles.find((role: { name: string }) => role.name === 'admin'))
})

serverTest('a role granted in-process shows in the very next validation; revoking takes it away', async (t, server) => {
  const email = uniqueEmail('grant')
  const { accessToken } = await server.client.registerAndLogin(email, TEST_PASSWORD)
  t.false((await server.client.validate(accessToken)).body.permissions.includes('role:manage'), 'cached before the change')

  await changeUserRole(server.context, { email, role: 'admin', grant: true })
  t.true((await server.client.validate(accessToken)).body.permissions.includes('role:manage'))
  await changeUserRole(server.context, { email, role: 'admin', grant: false })
  t.deepEqual((await server.client.validate(accessToken)).body.permissions, ['session:read', 'user:read'])
})

serverTest('user:grant and user:revoke from the CLI reach the running server within 1 s', async (t, server) => {
  const email = uniqueEmail('cligrant')
  const { accessToken } = await server.client.registerAndLogin(email, TEST_PASSWORD)
  t.false((await server.client.validate(accessToken)).body.permissions.includes('audit:read'))

  const granted = await runCli(['user:grant', email, 'admin'], { env: server.env })
  t.is(granted.code, 0, granted.stderr)
  const hasAdmin = async () => (await server.client.validate(accessToken)).body.permissions.includes('audit:read')
  const seenAfter = await eventually(hasAdmin, 1000)
  t.not(seenAfter, undefined, 'grant not visible within 1 s')
  t.log(`grant visible after ${seenAfter?.toFixed(0)} ms`)

  const revoked = await runCli(['user:revoke', email, 'admin'], { env: server.env })
  t.is(revoked.code, 0, revoked.stderr)
  t.not(await eventually(async () => !(await hasAdmin()), 1000), undefined)

  const unknown = await runCli(['user:grant', email, 'wizard'], { env: server.env })
  t.is(unknown.code, 1)
  t.regex(unknown.stderr, /Unknown role: wizard/)
  const nobody = await runCli(['user:grant', uniqueEmail('nobody'), 'admin'], { env: server.env })
  t.is(nobody.code, 1)
  t.regex(nobody.stderr, /No user with email/)
})

serverTest('user:disable makes the live token invalid within 1 s and refuses logins; user:enable lets it log in', async (t, server) => {
  const email = uniqueEmail('disable')
  const { accessToken } = await server.client.registerAndLogin(email, TEST_PASSWORD)
  t.true((await server.client.validate(accessToken)).body.is_valid)

  const disabled = await runCli(['user:disable', email, '--json'], { env: server.env })
  t.is(disabled.code, 0, disabled.stderr)
  t.is(JSON.parse(disabled.stdout).revoked_sessions, 1)
  const invalidAfter = await eventually(async () => !(await server.client.validate(accessToken)).body.is_valid, 1000)
  t.not(invalidAfter, undefined)
  t.log(`disable visible after ${invalidAfter?.toFixed(0)} ms`)
  const refused = await server.client.login(email, TEST_PASSWORD)
  t.is(refused.statusCode, 403)

  t.is((await runCli(['user:enable', email], { env: server.env })).code, 0)
  t.is((await server.client.login(email, TEST_PASSWORD)).statusCode, 200)
  t.false((await server.client.validate(accessToken)).body.is_valid, 'sessions revoked by disabling stay revoked')
})

serverTest('session:list shows states; session:revoke is seen by the running server within 1 s', async (t, server) => {
  const email = uniqueEmail('sessions')
  await server.client.register(email, TEST_PASSWORD)
  const first = await server.client.loginTokens(email, TEST_PASSWORD)
  const second = await server.client.loginTokens(email, TEST_PASSWORD)
  t.true((await server.client.validate(first.accessToken)).body.is_valid, 'cached as live')

  const sid = claimsOf(first.accessToken).sid
  const revoked = await runCli(['session:revoke', sid], { env: server.env })
  t.is(revoked.code, 0, revoked.stderr)
  const seenAfter = await eventually(async () => !(await server.client.validate(first.accessToken)).body.is_valid, 1000)
  t.not(seenAfter, undefined, 'revocation not seen within 1 s')
  t.log(`CLI revocation seen by the server after ${seenAfter?.toFixed(0)} ms`)
  t.true((await server.client.validate(second.accessToken)).body.is_valid)

  const listed = await runCli(['session:list', email, '--json'], { env: server.env })
  t.is(listed.code, 0, listed.stderr)
  const states = Object.fromEntries(JSON.parse(listed.stdout).map((session: { id: string; state: string }) => [session.id, session.state]))
  t.deepEqual(states, { [sid]: 'revoked', [claimsOf(second.accessToken).sid]: 'active' })
})

isolatedServerTest('audit:list filters by user, type and age', async (t, server) => {
  const email = uniqueEmail('auditcli')
  await server.client.register(email, TEST_PASSWORD)
  await server.client.login(email, 'Wrong-Password-9')
  await server.client.login(email, TEST_PASSWORD)
  await server.client.registerAndLogin(uniqueEmail('other'), TEST_PASSWORD)

  const mine = JSON.parse((await runCli(['audit:list', '--user', email, '--json'], { env: server.env })).stdout)
  t.deepEqual(mine.map((event: { type: string }) => event.type), ['login.succeeded', 'login.failed', 'user.registered'])
  const failed = JSON.parse((await runCli(['audit:list', '--type', 'login.failed', '--since', '1h', '--json'], { env: server.env })).stdout)
  t.is(failed.length, 1)
  t.is(failed[0].detail.reason, 'wrong_password')
  const human = await runCli(['audit:list', '--since', '5m'], { env: server.env })
  t.regex(human.stdout, /login\.succeeded/)
  const badSince = await runCli(['audit:list', '--since', 'yesterday'], { env: server.env })
  t.not(badSince.code, 0)
  t.regex(badSince.stderr, /--since must be a duration/)
})

test('every admin command has --help with examples', async (t) => {
  for (const command of ['role:list', 'user:grant', 'user:revoke', 'user:disable', 'user:enable', 'session:list', 'session:revoke', 'audit:list']) {
    const help = await runCli([command, '--help'])
    t.is(help.code, 0, command)
    t.regex(help.stdout, /EXAMPLES/, command)
  }
})
