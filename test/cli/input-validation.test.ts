import { readFileSync } from 'node:fs'
import test, { type ExecutionContext } from 'ava'
import { runCli, type CliResult } from '../aux/cli.js'
import { backends, type Backend } from '../aux/db.js'
import { startTestServer, type TestServer } from '../aux/server.js'

// Bad input to any command is exit 65 with one clear line naming the argument or flag, as the README
// says; never exit 1 (a refusal), never a value read differently from what was typed.

const servers = new Map<Backend, TestServer>()
test.before(async () => {
  await Promise.all(backends().map(async (backend) => servers.set(backend, await startTestServer(backend))))
})
test.after.always(async () => {
  await Promise.all([...servers.values()].map((server) => server.close()))
})

function each(title: string, run: (t: ExecutionContext, server: TestServer) => Promise<void>): void {
  for (const backend of backends()) test(`${title} [${backend}]`, (t) => run(t, servers.get(backend)!))
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

each('every integer argument and flag refuses a non-integer, an out-of-range or a huge value with exit 65', async (t, server) => {
  for (const command of ['mail:show', 'mail:retry']) {
    for (const raw of NOT_INTEGERS) await assertInvalidInput(t, server, [command, raw], /ID must be a whole number from 1 to 9007199254740991/)
    for (const raw of ['-1', '0', HUGE]) await assertInvalidInput(t, server, [command, raw], new RegExp(`ID must be between 1 and 9007199254740991, not ${raw}`))
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
    await assertInvalidInput(t, server, [...command, flag, 'abc'], new RegExp(`${flag} must be a whole number from \\d+ to ${max}, not "abc"`))
    await assertInvalidInput(t, server, [...command, flag, '1.5'], new RegExp(`${flag} must be a whole number`))
    await assertInvalidInput(t, server, [...command, flag, HUGE], new RegExp(`${flag} must be between \\d+ and ${max}, not ${HUGE}`))
  }
  await assertInvalidInput(t, server, ['user:list', '--limit', '0'], /--limit must be between 1 and 1000, not 0/)
  await assertInvalidInput(t, server, ['user:list', '--offset', '-1'], /--offset must be between 0 and/)
  await assertInvalidJson(t, server, ['mail:show', 'abc'], 'ID')
  await assertInvalidJson(t, server, ['user:list', '--limit', '1.5'], '--limit')
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

each('every command taking an email refuses a malformed one with exit 65, never "No user with email"', async (t, server) => {
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as { commands: Record<string, { args: Record<string, unknown> }> }
  const withEmail = Object.keys(manifest.commands).filter((id) => 'email' in manifest.commands[id].args)
  for (const named of ['user:mfa', 'user:send-reset', 'user:verify-email', 'user:create', 'token:issue']) t.true(withEmail.includes(named), named)
  for (const command of withEmail) {
    for (const raw of command === 'user:mfa' ? ['not an email', 'bad', '', 'a@@example.com'] : ['not an email', '']) {
      await assertInvalidInput(t, server, [command, raw, ...(AFTER_EMAIL[command] ?? [])], /EMAIL is not a valid email address: Email /)
    }
  }
  await assertInvalidInput(t, server, ['mail:test', 'not-an-email'], /TO is not a valid email address/)
  await assertInvalidInput(t, server, ['audit:list', '--user', 'bad'], /--user is not a valid email address/)
  await assertInvalidJson(t, server, ['user:mfa', 'not an email'], 'EMAIL')
  await assertInvalidJson(t, server, ['audit:list', '--user', 'bad'], '--user')
})

each('a well-formed email no user has is still a refusal (exit 1), matched trimmed and lower-cased', async (t, server) => {
  for (const command of ['user:mfa', 'user:send-reset', 'user:verify-email']) {
    const unknown = await cli(server, [command, ' Nobody@Example.COM '])
    t.is(unknown.code, 1, unknown.stderr)
    t.is(unknown.stderr.trim(), 'Error: No user with email nobody@example.com')
  }
})
