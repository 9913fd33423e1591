import { readFileSync } from 'node:fs'
import test, { type ExecutionContext } from 'ava'
import { eachBackend } from '../support/each-backend.js'
import { runCli, type CliResult } from '../support/cli.js'
import { backends, type Backend } from '../support/db.js'
import { claimsOf } from '../support/jwt.js'
import { startTestServer, TEST_PASSWORD, uniqueEmail, type TestServer } from '../support/server.js'

// Bad input to any command is exit 65 with one clear line naming the argument or flag, as docs/cli.md
// says; never exit 1 (a refusal), never a value read differently from what was typed.

const servers = new Map<Backend, TestServer>()
test.before(async () => {
  await Promise.all(backends().map(async (backend) => servers.set(backend, await startTestServer(backend))))
})
test.after.always(async () => {
  await Promise.all([...servers.values()].map((server) => server.close()))
})

const each = (title: string, run: (t: ExecutionContext, server: TestServer) => Promise<void>) => eachBackend(servers, title, run)

/**
 * For input that the command's argument parsing refuses before any database is opened: one backend
 * tells all (the commands are started dozens of times, which is most of this file's time).
 */
function beforeAnyDatabase(title: string, run: (t: ExecutionContext, server: TestServer) => Promise<void>): void {
  test(`${title} [sqlite]`, (t) => run(t, servers.get('sqlite')!))
}

async function cli(server: TestServer, args: string[]): Promise<CliResult> {
  return runCli(args, { env: server.env, timeoutMs: 60_000 })
}

/** Exit 65 and one line on stderr matching `message`. */
async function assertInvalidInput(t: ExecutionContext, server: TestServer, args: string[], message: RegExp): Promise<void> {
  const refused = await cli(server, args)
  t.is(refused.code, 65, `${args.join(' ')}: ${refused.stdout}${refused.stderr}`)
  t.is(refused.stderr.trim().split('\n').length, 1, refused.stderr)
  t.regex(refused.stderr, message, args.join(' '))
}

/** Under --json: exit 65 and the validation error naming the argument or flag, with a clean message. */
async function assertInvalidJson(t: ExecutionContext, server: TestServer, args: string[], loc: string): Promise<void> {
  const json = await cli(server, [...args, '--json'])
  t.is(json.code, 65, args.join(' '))
  const { error } = JSON.parse(json.stdout)
  t.is(error.code, 'validation.failed')
  t.is(error.message, 'Validation error', 'no oclif parsing text in the message')
  t.deepEqual(error.details[0].loc, [loc])
}

/** The commands as oclif lists them, from dist/test/cli/. */
const MANIFEST = new URL('../../../oclif.manifest.json', import.meta.url)

const NOT_INTEGERS = ['abc', '1.5', '1e3', '0x10', ' 7', '']
const HUGE = '99999999999999999999999'

beforeAnyDatabase('every integer argument and flag refuses a non-integer, an out-of-range or a huge value with exit 65', async (t, server) => {
  const checks: Array<() => Promise<void>> = []
  for (const command of ['mail:show', 'mail:retry']) {
    for (const raw of NOT_INTEGERS) checks.push(() => assertInvalidInput(t, server, [command, raw], /ID must be a whole number from 1 to 9007199254740991/))
    for (const raw of ['-1', '0', HUGE]) checks.push(() => assertInvalidInput(t, server, [command, raw], new RegExp(`ID must be between 1 and 9007199254740991, not ${raw}`)))
  }
  const flags: Array<[string[], string, string]> = [
    [['user:list'], '--limit', '1000'],
    [['user:list'], '--page', '9007199254740'],
    [['user:list'], '--offset', '9007199254740991'],
    [['audit:list'], '--limit', '10000'],
    [['mail:list'], '--limit', '10000'],
    [['serve'], '--port', '65535'],
    [['serve'], '--workers', '64'],
  ]
  for (const [command, flag, max] of flags) {
    checks.push(() => assertInvalidInput(t, server, [...command, flag, 'abc'], new RegExp(`${flag} must be a whole number from \\d+ to ${max}, not "abc"`)))
    checks.push(() => assertInvalidInput(t, server, [...command, flag, '1.5'], new RegExp(`${flag} must be a whole number`)))
    checks.push(() => assertInvalidInput(t, server, [...command, flag, HUGE], new RegExp(`${flag} must be between \\d+ and ${max}, not ${HUGE}`)))
  }
  checks.push(() => assertInvalidInput(t, server, ['user:list', '--limit', '0'], /--limit must be between 1 and 1000, not 0/))
  checks.push(() => assertInvalidInput(t, server, ['user:list', '--offset', '-1'], /--offset must be between 0 and/))
  checks.push(() => assertInvalidJson(t, server, ['mail:show', 'abc'], 'ID'))
  checks.push(() => assertInvalidJson(t, server, ['user:list', '--limit', '1.5'], '--limit'))
  // runCli starts them a few at a time.
  await Promise.all(checks.map((check) => check()))
})

each('the largest integers accepted are read exactly and reach the database as typed', async (t, server) => {
  const unknownMail = await cli(server, ['mail:show', '9007199254740991'])
  t.is(unknownMail.code, 1, unknownMail.stderr)
  t.is(unknownMail.stderr.trim(), 'Error: No mail with id 9007199254740991')
  t.is((await cli(server, ['mail:show', '007'])).stderr.trim(), 'Error: No mail with id 7')
  const retried = await cli(server, ['mail:retry', '9007199254740991'])
  t.is(retried.code, 1, retried.stderr)
  t.regex(retried.stderr, /9007199254740991/)

  for (const page of [['--offset', '9007199254740991'], ['--page', '9007199254740', '--limit', '1000']]) {
    const listed = await cli(server, ['user:list', ...page, '--json'])
    t.is(listed.code, 0, listed.stderr)
    t.deepEqual(JSON.parse(listed.stdout).users, [])
  }
})

/** What each command needs besides its email to get as far as reading it. */
const AFTER_EMAIL: Record<string, string[]> = {
  'user:create': ['--password', 'Secure-Pass-123'],
  'user:grant': ['admin'],
  'user:revoke': ['admin'],
  'user:delete': ['--yes'],
  'user:set-password': ['--password-stdin'],
}

beforeAnyDatabase('every command taking an email refuses a malformed one with exit 65, never "No user with email"', async (t, server) => {
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as { commands: Record<string, { args: Record<string, unknown> }> }
  const withEmail = Object.keys(manifest.commands).filter((id) => 'email' in manifest.commands[id].args)
  for (const named of ['user:mfa', 'user:send-reset', 'user:verify-email', 'user:create', 'token:issue']) t.true(withEmail.includes(named), named)
  const checks: Array<() => Promise<void>> = []
  for (const command of withEmail) {
    for (const raw of command === 'user:mfa' ? ['not an email', 'bad', '', 'a@@example.com'] : ['not an email', '']) {
      checks.push(() => assertInvalidInput(t, server, [command, raw, ...(AFTER_EMAIL[command] ?? [])], /EMAIL is not a valid email address: Email /))
    }
  }
  checks.push(() => assertInvalidInput(t, server, ['mail:test', 'not-an-email'], /TO is not a valid email address/))
  checks.push(() => assertInvalidInput(t, server, ['audit:list', '--user', 'bad'], /--user is not a valid email address/))
  checks.push(() => assertInvalidJson(t, server, ['user:mfa', 'not an email'], 'EMAIL'))
  checks.push(() => assertInvalidJson(t, server, ['audit:list', '--user', 'bad'], '--user'))
  // runCli starts them a few at a time.
  await Promise.all(checks.map((check) => check()))
})

each('a well-formed email no user has is still a refusal (exit 1), matched trimmed and lower-cased', async (t, server) => {
  for (const command of ['user:mfa', 'user:send-reset', 'user:verify-email']) {
    const unknown = await cli(server, [command, ' Nobody@Example.COM '])
    t.is(unknown.code, 1, unknown.stderr)
    t.is(unknown.stderr.trim(), 'Error: No user with email nobody@example.com')
  }
})

/** client:create with --json: the exit code, the refusal's messages, and the created client. */
async function createClient(server: TestServer, name: string, flags: string[]) {
  const result = await cli(server, ['client:create', name, ...flags, '--json'])
  const body = JSON.parse(result.stdout)
  return { code: result.code, messages: (body.error?.details ?? []).map((detail: { msg: string }) => detail.msg) as string[], clientId: body.client_id as string | undefined }
}

const SIGN_IN = ['--grant', 'authorization_code', '--redirect-uri', 'https://app.example.com/cb']

each('client:create says each real problem once: an unknown grant or scope is not also a missing one', async (t, server) => {
  const bogus = await createClient(server, 'Bogus', ['--grant', 'bogus'])
  t.is(bogus.code, 65)
  t.deepEqual(bogus.messages, ['Unknown grant "bogus": use authorization_code, refresh_token, client_credentials or device_code'])
  const typos = await createClient(server, 'Typos', ['--grant', 'bogus', '--grant', 'bogus', '--grant', 'refresh_token', '--scope', 'nope', '--scope', 'nope'])
  t.deepEqual(typos.messages, [
    'Unknown grant "bogus": use authorization_code, refresh_token, client_credentials or device_code',
    'Unknown scope "nope": use openid, email, profile, roles, offline_access or a permission name',
  ])
  const scopeTypo = await createClient(server, 'Typo', [...SIGN_IN, '--scope', 'opneid'])
  t.deepEqual(scopeTypo.messages, ['Unknown scope "opneid": use openid, email, profile, roles, offline_access or a permission name'])
  t.is((await server.context.db('oauth_clients').whereIn('name', ['Bogus', 'Typos', 'Typo'])).length, 0)
})

each('client:create refuses a client that could not work as registered', async (t, server) => {
  const refusals: Array<[string[], RegExp]> = [
    [['--public', '--grant', 'device_code', '--scope', 'email'], /device_code sign a user in, which needs --scope openid/],
    [[...SIGN_IN, '--scope', 'email'], /needs --scope openid/],
    [['--grant', 'client_credentials'], /client_credentials gets a token for the client's permission scopes/],
    [['--grant', 'client_credentials', '--scope', 'openid'], /client_credentials gets a token for the client's permission scopes/],
    [[...SIGN_IN, '--scope', 'openid', '--scope', 'offline_access'], /offline_access asks for a refresh token: add --grant refresh_token/],
    [[...SIGN_IN, '--grant', 'refresh_token', '--scope', 'openid'], /refresh_token is issued only for --scope offline_access/],
  ]
  for (const [flags, message] of refusals) {
    const refused = await createClient(server, 'Unusable', flags)
    t.is(refused.code, 65, flags.join(' '))
    t.is(refused.messages.length, 1, `${flags.join(' ')}: ${refused.messages.join('; ')}`)
    t.regex(refused.messages[0] ?? '', message, flags.join(' '))
  }
  t.is((await server.context.db('oauth_clients').where({ name: 'Unusable' })).length, 0)
  const device = await createClient(server, 'Device', ['--public', '--grant', 'device_code', '--grant', 'refresh_token', '--scope', 'openid', '--scope', 'offline_access'])
  t.is(device.code, 0, device.messages.join('; '))
  const shown = JSON.parse((await cli(server, ['client:show', device.clientId!, '--json'])).stdout)
  t.is(shown.scope, 'openid offline_access')
})

each('client:create refuses redirect URIs with user credentials, without repeating them', async (t, server) => {
  for (const uri of ['https://user:secret-pass@app.example.com/cb', 'https://user@app.example.com/cb', 'https://@app.example.com/cb', 'com.example.app://user:secret-pass@host/cb']) {
    const refused = await createClient(server, 'Credentials', ['--grant', 'authorization_code', '--redirect-uri', uri, '--scope', 'openid'])
    t.is(refused.code, 65, uri)
    t.is(refused.messages.length, 1, uri)
    t.regex(refused.messages[0] ?? '', /with user credentials before the host .*RFC 3986 section 3\.2\.1/, uri)
    t.false(refused.messages[0]?.includes('secret-pass'), 'the password is not printed back')
  }
  const logout = await createClient(server, 'Credentials', [...SIGN_IN, '--scope', 'openid', '--post-logout-redirect-uri', 'https://user:secret-pass@app.example.com/bye'])
  t.is(logout.code, 65)
  t.regex(logout.messages[0] ?? '', /"https:\/\/app\.example\.com\/bye" was given with user credentials/)
  t.is((await server.context.db('oauth_clients').where({ name: 'Credentials' })).length, 0)
})

each('client:create counts the name in characters (code points), not UTF-16 units, and says so', async (t, server) => {
  const emoji = '\u{1F600}'
  const longest = await createClient(server, emoji.repeat(200), ['--grant', 'client_credentials', '--scope', 'user:read'])
  t.is(longest.code, 0, longest.messages.join('; '))
  const shown = JSON.parse((await cli(server, ['client:show', longest.clientId!, '--json'])).stdout)
  t.is(shown.client_name, emoji.repeat(200), 'stored whole on this database')
  const tooLong = await createClient(server, emoji.repeat(201), ['--grant', 'client_credentials', '--scope', 'user:read'])
  t.is(tooLong.code, 65)
  t.deepEqual(tooLong.messages, ['The name must be 1 to 200 characters (Unicode code points); this one has 201'])
  t.is((await createClient(server, 'a'.repeat(201), ['--grant', 'client_credentials', '--scope', 'user:read'])).code, 65)
})

each('client:rotate-secret of a public client is a refusal (exit 1) saying it has no secret', async (t, server) => {
  const created = await createClient(server, 'Public', ['--public', '--grant', 'device_code', '--scope', 'openid'])
  t.is(created.code, 0, created.messages.join('; '))
  const human = await cli(server, ['client:rotate-secret', created.clientId!])
  t.is(human.code, 1, human.stderr)
  t.is(human.stderr.trim(), `Error: Client ${created.clientId} is public: it has no secret to rotate (it proves itself with PKCE)`)
  const json = await cli(server, ['client:rotate-secret', created.clientId!, '--json'])
  t.is(json.code, 1)
  t.is(JSON.parse(json.stdout).error.code, 'client.no_secret')
})

each('session and client ids: a value no id can be is exit 65; a real-looking unknown one is a refusal (exit 1)', async (t, server) => {
  for (const raw of ['abc', '', '0b7c5a1e-2f43-4c1e-9d0a-6a1f2b3c4d5', 'ada@example.com']) {
    await assertInvalidInput(t, server, ['session:revoke', raw], /SESSIONID must be a session id, a UUID such as .* \(the sid claim\)/)
  }
  const unknownSession = await cli(server, ['session:revoke', '0B7C5A1E-2F43-4C1E-9D0A-6A1F2B3C4D5E'])
  t.is(unknownSession.code, 1, unknownSession.stderr)
  t.is(unknownSession.stderr.trim(), 'Error: No live session with id 0b7c5a1e-2f43-4c1e-9d0a-6a1f2b3c4d5e')
  const { accessToken } = await server.client.registerAndLogin(uniqueEmail('sid'), TEST_PASSWORD)
  const revoked = await cli(server, ['session:revoke', claimsOf(accessToken).sid.toUpperCase()])
  t.is(revoked.code, 0, `an id pasted in capitals is the same session on every database: ${revoked.stderr}`)

  for (const command of ['client:show', 'client:rotate-secret', 'client:delete']) {
    for (const raw of ['abc', 'Grafana', '8fc7c5f9ca70059f9acc240a99a7555']) {
      await assertInvalidInput(t, server, [command, raw], /CLIENTID must be a client_id as client:create printed it \(32 hex digits\)/)
    }
    const unknown = await cli(server, [command, '00000000000000000000000000000000', '--json'])
    t.is(unknown.code, 1, unknown.stdout)
    t.is(JSON.parse(unknown.stdout).error.code, 'client.not_found')
  }
  await assertInvalidJson(t, server, ['client:show', 'abc'], 'CLIENTID')
})
