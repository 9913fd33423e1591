import test from 'ava'
import { runCli } from '../support/cli.js'
import { serverTest, TEST_PASSWORD, uniqueEmail } from '../support/server.js'

serverTest('user:create makes a user who can log in over HTTP', async (t, server) => {
  const email = uniqueEmail('cli')
  const created = await runCli(['user:create', email, '--password', TEST_PASSWORD], { env: server.env })
  t.is(created.code, 0, created.stderr)
  const userId = created.stdout.trim()
  t.regex(userId, /^[0-9a-f-]{36}$/)

  const login = await server.client.login(email, TEST_PASSWORD)
  t.is(login.statusCode, 200)
  const me = await server.client.me(login.body.access_token)
  t.is(me.body.user_id, userId)
})

serverTest('user:create reads the password from stdin, grants roles and answers JSON', async (t, server) => {
  const email = uniqueEmail('stdin')
  const created = await runCli(['user:create', email, '--password-stdin', '--role', 'admin', '--json'], { env: server.env, input: `${TEST_PASSWORD}\n` })
  t.is(created.code, 0, created.stderr)
  const body = JSON.parse(created.stdout)
  t.is(body.email, email)

  const { accessToken } = { accessToken: (await server.client.login(email, TEST_PASSWORD)).body.access_token }
  const validation = await server.client.validate(accessToken)
  t.true(validation.body.is_valid)
  t.true(validation.body.permissions.includes('role:manage'), 'admin permissions come with the admin role')
  t.true(validation.body.permissions.includes('user:read'), 'the default user role is kept')
})

serverTest('user:create refuses a duplicate, an invalid email, a short password and an unknown role', async (t, server) => {
  const email = uniqueEmail('dup')
  t.is((await server.client.register(email, TEST_PASSWORD)).statusCode, 200)

  const duplicate = await runCli(['user:create', email.toUpperCase(), '--password', TEST_PASSWORD], { env: server.env })
  t.not(duplicate.code, 0)
  t.is(duplicate.stderr.trim(), 'Error: Email already registered')

  const invalid = await runCli(['user:create', 'user@@example.com', '--password', TEST_PASSWORD], { env: server.env })
  t.not(invalid.code, 0)
  t.regex(invalid.stderr, /not a valid email/)
  t.is(invalid.stderr.trim().split('\n').length, 1)

  const short = await runCli(['user:create', uniqueEmail(), '--password', 'short'], { env: server.env })
  t.not(short.code, 0)
  t.regex(short.stderr, /at least 8 characters/)

  const role = await runCli(['user:create', uniqueEmail(), '--password', TEST_PASSWORD, '--role', 'wizard'], { env: server.env })
  t.not(role.code, 0)
  t.regex(role.stderr, /Unknown role: wizard/)
})

test('user:create --help shows examples', async (t) => {
  const help = await runCli(['user:create', '--help'])
  t.is(help.code, 0)
  t.regex(help.stdout, /EXAMPLES/)
  t.regex(help.stdout, /--password-stdin/)
  t.regex(help.stdout, /--database-url/)
  t.regex(help.stdout, /--json/)
})
