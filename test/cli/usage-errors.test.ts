import { readFileSync } from 'node:fs'
import test, { type ExecutionContext } from 'ava'
import { runCli, type CliResult } from '../support/cli.js'

// A usage error (the command line itself is wrong, before any input is read) is exit 2, as docs/cli.md
// says. Under --json it is one small JSON error object on stdout, never oclif's parse state (its
// manifest, package.json, cache paths: about 160 KB).

/** The commands as oclif lists them, from dist/test/cli/. */
const MANIFEST = new URL('../../../oclif.manifest.json', import.meta.url)

interface ManifestCommand {
  id: string
  args: Record<string, { required?: boolean }>
  flags: Record<string, { type: 'boolean' | 'option'; required?: boolean; exclusive?: string[]; options?: string[] }>
}

const commands = Object.values(JSON.parse(readFileSync(MANIFEST, 'utf8')).commands) as ManifestCommand[]

/** A well-formed value for each argument name, so that the usage error is the only thing wrong. */
const SAMPLE_ARGUMENTS: Record<string, string> = {
  email: 'ada@example.com',
  to: 'ada@example.com',
  role: 'admin',
  sessionId: '0b7c5a1e-2f43-4c1e-9d0a-6a1f2b3c4d5e',
  token: 'a.b.c',
  id: '1',
  name: 'Example app',
  clientId: '0123456789abcdef0123456789abcdef',
  provider: 'github',
  file: 'users.jsonl',
  url: 'https://hooks.example.com/heimdall',
  streamId: '0b7c5a1e-2f43-4c1e-9d0a-6a1f2b3c4d5e',
  deliveryId: '1',
}

/**
 * Should a command line ever parse, the command would run: against a database that cannot open
 * (exit 69, a visible failure), never a real one.
 */
const env = { HEIMDALL_DATABASE_URL: 'sqlite:/nonexistent-heimdall-usage-test/heimdall.db' }

type Kind = 'unknown flag' | 'missing argument' | 'too many arguments' | 'flag without its value' | 'missing required flag' | 'exclusive flags' | 'invalid flag value' | 'unknown command'

/** What the message says for each kind of usage error (oclif's words, kept: they name the culprit). */
const MESSAGES: Record<Kind, RegExp> = {
  'unknown flag': /Nonexistent flag: --no-such-flag/,
  'missing argument': /Missing \d+ required args?/,
  'too many arguments': /Unexpected argument: surplus/,
  'flag without its value': /--database-url expects a value/,
  'missing required flag': /Missing required flag/,
  'exclusive flags': /cannot also be provided when using/,
  'invalid flag value': /Expected --[\w-]+=bogus to be one of/,
  'unknown command': /command [\w:]+ not found/,
}

interface UsageCase {
  kind: Kind
  argv: string[]
}

/** Samples for the command's required arguments, or with `all` for every argument (optional ones too). */
function samplesFor(command: ManifestCommand, all = false): string[] {
  return Object.entries(command.args)
    .filter(([, arg]) => all || arg.required)
    .map(([name]) => {
      const sample = SAMPLE_ARGUMENTS[name]
      if (sample === undefined) throw new Error(`no sample value for ${command.id}'s argument ${name}: add one to SAMPLE_ARGUMENTS`)
      return sample
    })
}

/** Every kind of usage error the command's manifest entry makes possible. */
function usageCases(command: ManifestCommand): UsageCase[] {
  const id = command.id
  const samples = samplesFor(command)
  const flags = Object.entries(command.flags)
  const cases: UsageCase[] = [
    { kind: 'unknown flag', argv: [id, ...samples, '--no-such-flag'] },
    // Every argument given, optional ones too: otherwise `surplus` would fill an optional one.
    { kind: 'too many arguments', argv: [id, ...samplesFor(command, true), 'surplus'] },
    { kind: 'flag without its value', argv: [id, ...samples, '--database-url'] },
  ]
  if (samples.length > 0) cases.push({ kind: 'missing argument', argv: [id] })
  if (flags.some(([, flag]) => flag.required)) cases.push({ kind: 'missing required flag', argv: [id, ...samples] })
  for (const [name, flag] of flags) {
    const value = (flagName: string) => (command.flags[flagName]?.type === 'boolean' ? [`--${flagName}`] : [`--${flagName}`, '1'])
    if (flag.exclusive?.length) cases.push({ kind: 'exclusive flags', argv: [id, ...samples, ...value(name), ...value(flag.exclusive[0]!)] })
    if (flag.options) cases.push({ kind: 'invalid flag value', argv: [id, ...samples, `--${name}`, 'bogus'] })
  }
  return cases
}

/**
 * Every command once, the kind rotating from one command to the next, then any kind not yet covered:
 * all of them for each command would start a hundred and fifty processes to prove the same base class.
 */
function selection(): UsageCase[] {
  const chosen = commands.map((command, index) => {
    const cases = usageCases(command)
    return cases[index % cases.length]!
  })
  const all = commands.flatMap(usageCases)
  for (const kind of new Set(all.map((usage) => usage.kind))) {
    if (!chosen.some((usage) => usage.kind === kind)) chosen.push(all.find((usage) => usage.kind === kind)!)
  }
  chosen.push({ kind: 'unknown command', argv: ['user:nope'] }, { kind: 'unknown command', argv: ['nope'] })
  return chosen
}

/** The three examples, which every kind of check above must also get right. */
const REPORTED: UsageCase[] = [
  { kind: 'missing argument', argv: ['user:show'] },
  { kind: 'missing required flag', argv: ['client:create', 'X'] },
  { kind: 'exclusive flags', argv: ['user:list', '--page', '2', '--offset', '1'] },
]

async function assertJsonUsageError(t: ExecutionContext, usage: UsageCase): Promise<void> {
  const line = `${usage.argv.join(' ')} --json (${usage.kind})`
  const result: CliResult = await runCli([...usage.argv, '--json'], { env, timeoutMs: 60_000 })
  t.is(result.code, 2, `${line}: ${result.stdout.slice(0, 300)}${result.stderr.slice(0, 300)}`)
  t.true(result.stdout.length < 1000, `${line}: ${result.stdout.length} bytes on stdout`)
  t.is(result.stderr, '', line)
  let body: { error?: { code?: unknown; message?: unknown } } = {}
  t.notThrows(() => (body = JSON.parse(result.stdout)), `${line}: ${result.stdout.slice(0, 300)}`)
  t.deepEqual(Object.keys(body), ['error'], line)
  t.deepEqual(Object.keys(body.error ?? {}).sort(), ['code', 'message'], line)
  t.is(body.error?.code, 'cli.usage', line)
  t.regex(String(body.error?.message), MESSAGES[usage.kind], line)
  t.notRegex(String(body.error?.message), /\u001b\[/, `${line}: no terminal colours in JSON`)
}

test('every command, every kind of usage error: under --json one small JSON error and exit 2', async (t) => {
  const cases = [...REPORTED, ...selection()]
  t.true(new Set(cases.map((usage) => usage.kind)).size === Object.keys(MESSAGES).length, 'every kind is covered')
  t.true(commands.length > 30 && commands.every((command) => cases.some((usage) => usage.argv[0] === command.id)), 'every command is covered')
  // runCli starts them a few at a time.
  await Promise.all(cases.map((usage) => assertJsonUsageError(t, usage)))
  // oclif takes the first word for the command: in `heimdall --json user:show` that is --json.
  const jsonFirst = await runCli(['--json', 'user:show'], { env, timeoutMs: 60_000 })
  t.is(jsonFirst.code, 2, jsonFirst.stderr)
  t.deepEqual(JSON.parse(jsonFirst.stdout), { error: { code: 'cli.usage', message: 'command --json not found' } })
})

test('without --json a usage error is exit 2 with the problem on stderr and nothing on stdout', async (t) => {
  await Promise.all(
    [...REPORTED, { kind: 'unknown command' as const, argv: ['user:nope'] }].map(async (usage) => {
      const result = await runCli(usage.argv, { env, timeoutMs: 60_000 })
      t.is(result.code, 2, `${usage.argv.join(' ')}: ${result.stderr}`)
      t.is(result.stdout, '', usage.argv.join(' '))
      t.regex(result.stderr, MESSAGES[usage.kind], usage.argv.join(' '))
    }),
  )
})
