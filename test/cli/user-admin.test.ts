import { spawn, spawnSync } from 'node:child_process'
import test from 'ava'
import { BIN, runCli, TEST_PROCESS_ENV, type CliResult } from '../support/cli.js'
import { eventually } from '../support/eventually.js'
import { claimsOf } from '../support/jwt.js'
import { isolatedServerTest, serverTest, TEST_PASSWORD, uniqueEmail, type TestServer, configureFileServers } from '../support/server.js'
import { registerUser } from '../../src/usecases/users/register-user.js'

// The CLI's changes reach a running server within 1 s at the production revocation poll (250 ms):
// the test servers' slower poll (test/support/server.ts) would make that bound a race.
configureFileServers({ env: { HEIMDALL_REVOCATION_POLL_MS: '250' } })

const NEW_PASSWORD = 'Another-Secure-Pass-456'

/** Generous: these files start many processes, on machines that may be busy. */
const TIMEOUT_MS = 120_000

function cli(server: TestServer, args: string[], input?: string): Promise<CliResult> {
  return runCli(args, { env: server.env, input, timeoutMs: TIMEOUT_MS })
}

isolatedServerTest('user:list pages through users and filters by email fragment and role', async (t, server) => {
  const tag = `list${process.pid}`
  const emails = [`a.${tag}@example.com`, `b.${tag}@example.com`, `c_${tag}@example.org`]
  for (const [index, email] of emails.entries()) {
    await registerUser(server.context, { email, password: TEST_PASSWORD, roles: index === 1 ? ['admin'] : [] })
  }

  const all = await cli(server, ['user:list', '--json'])
  t.is(all.code, 0, all.stderr)
  const page = JSON.parse(all.stdout)
  t.like(page, { total: 3, limit: 50, offset: 0 })
  t.deepEqual(page.users.map((user: { email: string }) => user.email), emails, 'oldest first')
  t.deepEqual(Object.keys(page.users[0]).sort(), ['created_at', 'disabled', 'email', 'id', 'roles'])
  t.deepEqual(page.users[1].roles, ['admin', 'user'])
  t.false(page.users[0].disabled)

  const second = JSON.parse((await cli(server, ['user:list', '--limit', '2', '--page', '2', '--json'])).stdout)
  t.like(second, { total: 3, limit: 2, offset: 2 })
  t.deepEqual(second.users.map((user: { email: string }) => user.email), [emails[2]])
  const skipped = JSON.parse((await cli(server, ['user:list', '--limit', '1', '--offset', '1', '--json'])).stdout)
  t.deepEqual(skipped.users.map((user: { email: string }) => user.email), [emails[1]])

  const admins = JSON.parse((await cli(server, ['user:list', '--role', 'admin', '--json'])).stdout)
  t.deepEqual(admins.users.map((user: { email: string }) => user.email), [emails[1]])
  const org = JSON.parse((await cli(server, ['user:list', '--email', 'EXAMPLE.ORG', '--json'])).stdout)
  t.deepEqual(org.users.map((user: { email: string }) => user.email), [emails[2]], 'case-insensitive fragment')
  const underscore = JSON.parse((await cli(server, ['user:list', '--email', '_', '--json'])).stdout)
  t.deepEqual(underscore.users.map((user: { email: string }) => user.email), [emails[2]], '"_" is matched literally, not as a wildcard')
  const none = JSON.parse((await cli(server, ['user:list', '--email', '%', '--json'])).stdout)
  t.is(none.total, 0, '"%" is matched literally')

  const human = await cli(server, ['user:list', '--limit', '2'])
  t.is(human.code, 0)
  t.regex(human.stdout, new RegExp(`a\\.${tag}@example\\.com +enabled +user`))
  t.regex(human.stdout, /1-2 of 3/)

  const unknownRole = await cli(server, ['user:list', '--role', 'wizard'])
  t.is(unknownRole.code, 1)
  t.regex(unknownRole.stderr, /Unknown role: wizard/)
  const both = await cli(server, ['user:list', '--page', '2', '--offset', '3'])
  t.not(both.code, 0, '--page and --offset exclude each other')
})

serverTest('user:show shows state, roles, permissions and active sessions', async (t, server) => {
  const email = uniqueEmail('show')
  const { userId } = await server.client.registerAndLogin(email, TEST_PASSWORD)
  await server.client.login(email, TEST_PASSWORD)

  const json = await cli(server, ['user:show', email.toUpperCase(), '--json'])
  t.is(json.code, 0, json.stderr)
  const user = JSON.parse(json.stdout)
  t.like(user, { id: userId, email, disabled: false, roles: ['user'], permissions: ['session:read', 'user:read'], active_sessions: 2 })
  t.regex(user.created_at, /^\d{4}-\d\d-\d\dT/)

  const human = await cli(server, ['user:show', email])
  t.regex(human.stdout, /active sessions: 2/)
  t.regex(human.stdout, /roles: +user/)

  const nobody = await cli(server, ['user:show', uniqueEmail('nobody')])
  t.is(nobody.code, 1)
  t.regex(nobody.stderr, /^Error: No user with email/)
  const nobodyJson = await cli(server, ['user:show', uniqueEmail('nobody'), '--json'])
  t.is(JSON.parse(nobodyJson.stdout).error.code, 'user.not_found')
})

serverTest('token:issue opens a session whose token the running server accepts', async (t, server) => {
  const email = uniqueEmail('robot')
  await registerUser(server.context, { email, password: TEST_PASSWORD, roles: ['admin'] })

  const human = await cli(server, ['token:issue', email])
  t.is(human.code, 0, human.stderr)
  const token = human.stdout.trim()
  const validation = await server.client.validate(token)
  t.true(validation.body.is_valid, JSON.stringify(validation.body))
  t.is(validation.body.email, email)
  t.true(validation.body.permissions.includes('role:manage'))
  t.is((await server.client.me(token)).statusCode, 200)

  const json = await cli(server, ['token:issue', email, '--ttl', '2h', '--json'])
  t.is(json.code, 0, json.stderr)
  const issued = JSON.parse(json.stdout)
  t.deepEqual(Object.keys(issued).sort(), ['access_token', 'expires_in', 'session_id', 'token_type'])
  t.like(issued, { token_type: 'bearer', expires_in: 7200 })
  const claims = claimsOf(issued.access_token)
  t.is(claims.sid, issued.session_id)
  t.is(claims.exp - claims.iat, 7200)
  t.true((await server.client.validate(issued.access_token)).body.is_valid)

  const sessions = JSON.parse((await cli(server, ['session:list', email, '--json'])).stdout)
  t.true(sessions.some((session: { id: string; state: string }) => session.id === issued.session_id && session.state === 'active'))
  const audit = JSON.parse((await cli(server, ['audit:list', '--user', email, '--type', 'token.issued', '--json'])).stdout)
  t.is(audit.length, 2)

  const revoked = await cli(server, ['session:revoke', issued.session_id])
  t.is(revoked.code, 0, revoked.stderr)
  t.not(await eventually(async () => !(await server.client.validate(issued.access_token)).body.is_valid, 1000), undefined)
})

serverTest('token:issue refuses an unknown email, a disabled user and a bad --ttl', async (t, server) => {
  const nobody = await cli(server, ['token:issue', uniqueEmail('nobody')])
  t.is(nobody.code, 1)
  t.regex(nobody.stderr, /No user with email/)

  const email = uniqueEmail('disabled')
  await registerUser(server.context, { email, password: TEST_PASSWORD })
  t.is((await cli(server, ['user:disable', email])).code, 0)
  const disabled = await cli(server, ['token:issue', email, '--json'])
  t.is(disabled.code, 1)
  t.is(JSON.parse(disabled.stdout).error.code, 'auth.account_disabled')

  const badTtl = await cli(server, ['token:issue', email, '--ttl', 'forever'])
  t.not(badTtl.code, 0)
  t.regex(badTtl.stderr, /--ttl must be a duration/)
  const zeroTtl = await cli(server, ['token:issue', email, '--ttl', '0'])
  t.not(zeroTtl.code, 0)
})

serverTest('user:set-password revokes the live token within 1 s; the new password logs in, the old one not', async (t, server) => {
  const email = uniqueEmail('setpw')
  const { accessToken } = await server.client.registerAndLogin(email, TEST_PASSWORD)
  t.true((await server.client.validate(accessToken)).body.is_valid, 'cached as live')

  const set = await cli(server, ['user:set-password', email, '--password-stdin', '--json'], `${NEW_PASSWORD}\n`)
  t.is(set.code, 0, set.stderr)
  t.deepEqual(JSON.parse(set.stdout), { email, revoked_sessions: 1 })
  const seenAfter = await eventually(async () => !(await server.client.validate(accessToken)).body.is_valid, 1000)
  t.not(seenAfter, undefined, 'revocation not seen within 1 s')
  t.log(`set-password seen by the server after ${seenAfter?.toFixed(0)} ms`)

  t.is((await server.client.login(email, TEST_PASSWORD)).statusCode, 400)
  t.is((await server.client.login(email, NEW_PASSWORD)).statusCode, 200)
  const audit = JSON.parse((await cli(server, ['audit:list', '--user', email, '--type', 'user.password_set', '--json'])).stdout)
  t.is(audit.length, 1)
})

serverTest('user:set-password applies the registration policy and needs a terminal or --password-stdin', async (t, server) => {
  const email = uniqueEmail('weakpw')
  const { accessToken } = await server.client.registerAndLogin(email, TEST_PASSWORD)

  const weak = await cli(server, ['user:set-password', email, '--password-stdin'], 'password\n')
  t.is(weak.code, 65)
  t.regex(weak.stderr, /Password must contain an upper-case letter/)
  const weakJson = await cli(server, ['user:set-password', email, '--password-stdin', '--json'], 'short')
  t.is(JSON.parse(weakJson.stdout).error.code, 'validation.failed')

  const noTerminal = await cli(server, ['user:set-password', email], `${NEW_PASSWORD}\n`)
  t.is(noTerminal.code, 65)
  t.regex(noTerminal.stderr, /--password-stdin/)

  const nobody = await cli(server, ['user:set-password', uniqueEmail('nobody'), '--password-stdin'], `${NEW_PASSWORD}\n`)
  t.is(nobody.code, 1)
  t.regex(nobody.stderr, /No user with email/)

  t.true((await server.client.validate(accessToken)).body.is_valid, 'a refused change revokes nothing')
  t.is((await server.client.login(email, TEST_PASSWORD)).statusCode, 200)
})

serverTest('user:delete refuses without --yes off a terminal; with --yes the user, its token and its refresh token are gone', async (t, server) => {
  const email = uniqueEmail('delete')
  await server.client.register(email, TEST_PASSWORD)
  const { accessToken, refreshToken } = await server.client.loginTokens(email, TEST_PASSWORD)
  t.true((await server.client.validate(accessToken)).body.is_valid, 'cached as live')

  const refused = await cli(server, ['user:delete', email])
  t.is(refused.code, 65)
  t.regex(refused.stderr, /Refusing to delete without confirmation.*--yes/)
  t.is((await cli(server, ['user:show', email])).code, 0, 'still there')

  const deleted = await cli(server, ['user:delete', email, '--yes', '--json'])
  t.is(deleted.code, 0, deleted.stderr)
  t.like(JSON.parse(deleted.stdout), { email, deleted: true, deleted_sessions: 1 })
  const seenAfter = await eventually(async () => !(await server.client.validate(accessToken)).body.is_valid, 1000)
  t.not(seenAfter, undefined, 'deletion not seen by the running server within 1 s')
  t.log(`delete seen by the server after ${seenAfter?.toFixed(0)} ms`)

  t.is((await server.client.login(email, TEST_PASSWORD)).statusCode, 400)
  t.is((await server.client.refresh(refreshToken)).statusCode, 401)
  t.is((await cli(server, ['user:show', email])).code, 1)
  const again = await cli(server, ['user:delete', email, '--yes'])
  t.is(again.code, 1)
  t.regex(again.stderr, /No user with email/)

  // This file's server is shared: the terminal test deletes a user of its own.
  const audit = JSON.parse((await cli(server, ['audit:list', '--type', 'user.deleted', '--json'])).stdout).filter((event: { detail: { email?: string } }) => event.detail.email === email)
  t.is(audit.length, 1)
  t.like(audit[0].detail, { email, deleted_sessions: 1 })
  t.is((await server.client.register(email, TEST_PASSWORD)).statusCode, 200, 'the email is free again')
})

test('every new user and token command has --help with examples', async (t) => {
  for (const command of ['user:list', 'user:show', 'user:delete', 'user:set-password', 'token:issue']) {
    const help = await runCli([command, '--help'], { timeoutMs: TIMEOUT_MS })
    t.is(help.code, 0, command)
    t.regex(help.stdout, /EXAMPLES/, command)
    t.regex(help.stdout, /--database-url/, command)
    t.regex(help.stdout, /--json/, command)
  }
})

/** Runs the CLI on a pseudo-terminal (util-linux `script`), typing each answer once its prompt shows. */
function runOnTerminal(args: string[], env: Record<string, string>, dialogue: Array<[prompt: string, answer: string]>): Promise<CliResult> {
  const command = [process.execPath, BIN, ...args].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ')
  const childEnv: NodeJS.ProcessEnv = { ...TEST_PROCESS_ENV, ...env }
  delete childEnv.NODE_ENV
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let answered = 0
    let searchFrom = 0
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`heimdall ${args.join(' ')} on a terminal did not finish in time\n${stdout}`))
    }, TIMEOUT_MS)
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      const next = dialogue[answered]
      const at = next ? stdout.indexOf(next[0], searchFrom) : -1
      if (at === -1) return
      searchFrom = at + next[0].length
      answered++
      child.stdin.write(`${next[1]}\r`)
    })
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr: '' })
    })
  })
}

const hasScript = spawnSync('script', ['--version']).status === 0

serverTest('on a terminal, user:delete asks first and user:set-password reads the password twice without echo', async (t, server) => {
  if (!hasScript) {
    t.pass('util-linux `script` is not installed: no pseudo-terminal to test on')
    return
  }
  const email = uniqueEmail('tty')
  await registerUser(server.context, { email, password: TEST_PASSWORD })

  const declined = await runOnTerminal(['user:delete', email], server.env, [['[y/N]', 'n']])
  t.is(declined.code, 1, declined.stdout)
  t.regex(declined.stdout, /Not deleted/)
  t.is((await cli(server, ['user:show', email])).code, 0)

  const typed = 'Typed-On-Terminal-77'
  const set = await runOnTerminal(['user:set-password', email], server.env, [['New password:', typed], ['Repeat it:', typed]])
  t.is(set.code, 0, set.stdout)
  t.false(set.stdout.includes(typed), 'the password is not echoed')
  t.is((await server.client.login(email, typed)).statusCode, 200)

  const mismatch = await runOnTerminal(['user:set-password', email], server.env, [['New password:', typed], ['Repeat it:', 'Something-Else-88']])
  t.is(mismatch.code, 65, mismatch.stdout)
  t.regex(mismatch.stdout, /The two passwords differ/)

  const confirmed = await runOnTerminal(['user:delete', email], server.env, [['[y/N]', 'y']])
  t.is(confirmed.code, 0, confirmed.stdout)
  t.is((await cli(server, ['user:show', email])).code, 1)
})
