import { execFileSync } from 'node:child_process'
import { pbkdf2Sync, randomBytes, scryptSync } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import argon2 from 'argon2'
import bcrypt from 'bcrypt'
import { runCli, type CliResult } from '../support/cli.js'
import { createMigratedTestDatabase } from '../support/db.js'
import { serverTest, uniqueEmail, type TestServer } from '../support/server.js'

const TIMEOUT_MS = 120_000
const dir = mkdtempSync(join(tmpdir(), 'heimdall-import-'))
let files = 0

function cli(server: TestServer, args: string[], input?: string, env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { env: { ...server.env, ...env }, input, timeoutMs: TIMEOUT_MS })
}

/** A JSON Lines file of these records (objects, or raw text for a line that is no JSON). */
function jsonLines(records: Array<Record<string, unknown> | string>): string {
  const path = join(dir, `import-${++files}.jsonl`)
  writeFileSync(path, records.map((record) => (typeof record === 'string' ? record : JSON.stringify(record))).join('\n') + '\n')
  return path
}

async function storedHash(server: TestServer, email: string): Promise<string | undefined> {
  return (await server.context.users.findUserByEmail(email))?.password_hash
}

/** Hashes made by Python's hashlib (an implementation independent of Node's), in Django's and passlib's spellings. */
function pythonHashes(password: string): { django256: string; django512: string; passlibPbkdf2: string; passlibScrypt: string } {
  const script = `
import base64, hashlib, json, os, sys
pw = sys.argv[1].encode()
ab64 = lambda b: base64.b64encode(b).decode().rstrip('=').replace('+', '.')
salt = os.urandom(16)
print(json.dumps({
  'django256': 'pbkdf2_sha256$1000$pySalt256$' + base64.b64encode(hashlib.pbkdf2_hmac('sha256', pw, b'pySalt256', 1000)).decode(),
  'django512': 'pbkdf2_sha512$1200$pySalt512$' + base64.b64encode(hashlib.pbkdf2_hmac('sha512', pw, b'pySalt512', 1200)).decode(),
  'passlibPbkdf2': '$pbkdf2-sha256$1500$' + ab64(salt) + '$' + ab64(hashlib.pbkdf2_hmac('sha256', pw, salt, 1500)),
  'passlibScrypt': '$scrypt$ln=10,r=8,p=1$' + ab64(salt) + '$' + ab64(hashlib.scrypt(pw, salt=salt, n=1024, r=8, p=1, dklen=32)),
}))`
  return JSON.parse(execFileSync('python3', ['-c', script, password], { encoding: 'utf8' }))
}

/** The published test vector of github.com/firebase/scrypt (README): project parameters and one user. */
const FIREBASE = {
  signerKey: 'jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==',
  saltSeparator: 'Bw==',
  rounds: 8,
  memCost: 14,
  salt: '42xEC+ixf3L2lw==',
  password: 'user1password',
  hash: 'lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==',
}
const FIREBASE_FLAGS = ['--firebase-signer-key', FIREBASE.signerKey, '--firebase-salt-separator', FIREBASE.saltSeparator, '--firebase-rounds', String(FIREBASE.rounds), '--firebase-mem-cost', String(FIREBASE.memCost)]

serverTest('user:import takes every hash kind; each user signs in with the old password over HTTP and is rehashed', async (t, server) => {
  const password = `Imported-${randomBytes(4).toString('hex')}-Pass`
  const python = pythonHashes(password)
  const nodeSalt = randomBytes(16)
  const hashes: Record<string, string> = {
    bcrypt2a: (await bcrypt.hash(password, 4)).replace(/^\$2b\$/, '$2a$'),
    bcrypt2y: (await bcrypt.hash(password, 5)).replace(/^\$2b\$/, '$2y$'),
    argon2id: await argon2.hash(password, { type: argon2.argon2id, memoryCost: 1024, timeCost: 2, parallelism: 1 }),
    argon2i: await argon2.hash(password, { type: argon2.argon2i, memoryCost: 1024, timeCost: 2, parallelism: 1 }),
    ...python,
    // Keycloak's credential (pbkdf2-sha512, base64 salt and 512-bit value) written into the PHC form, by Node's crypto.
    keycloak: `$pbkdf2-sha512$2000$${nodeSalt.toString('base64')}$${pbkdf2Sync(password, nodeSalt, 2000, 64, 'sha512').toString('base64')}`,
    nodeScrypt: `$scrypt$ln=11,r=4,p=2$${nodeSalt.toString('base64').replace(/=+$/, '')}$${scryptSync(password, nodeSalt, 32, { N: 2048, r: 4, p: 2 }).toString('base64').replace(/=+$/, '')}`,
  }
  const emails = Object.fromEntries(Object.keys(hashes).map((kind) => [kind, uniqueEmail(`kind-${kind.toLowerCase()}`)]))
  const firebaseEmail = uniqueEmail('kind-firebase')
  const noPasswordEmail = uniqueEmail('kind-none')
  const file = jsonLines([
    ...Object.entries(hashes).map(([kind, hash]) => ({ email: emails[kind], password_hash: hash, email_verified: true, created_at: '2021-03-04T05:06:07Z' })),
    { email: firebaseEmail, password_hash: FIREBASE.hash, password_salt: FIREBASE.salt, created_at: '1617295858000' },
    { email: noPasswordEmail, roles: ['admin'] },
  ])

  const result = await cli(server, ['user:import', file, '--json', ...FIREBASE_FLAGS])
  t.is(result.code, 0, result.stderr)
  t.like(JSON.parse(result.stdout), { imported: Object.keys(hashes).length + 2, updated: 0, skipped: 0, failed: 0, dry_run: false, failures: [] })
  t.is((await server.context.users.findUserByEmail(emails.bcrypt2a!))?.created_at, Date.parse('2021-03-04T05:06:07Z'))
  t.regex((await storedHash(server, firebaseEmail))!, /^\$firebase-scrypt\$ln=14,r=8\$/)

  for (const [kind, email] of Object.entries(emails)) {
    const before = await storedHash(server, email!)
    t.is((await server.client.login(email, 'Wrong-Password-1')).statusCode, 400, `${kind}: a wrong password fails`)
    t.is((await server.client.login(email, password)).statusCode, 200, `${kind}: signs in with the imported hash`)
    const after = await storedHash(server, email!)
    t.not(after, before, `${kind}: rehashed`)
    t.regex(after!, /^\$2b\$04\$/, `${kind}: to the configured algorithm and cost`)
  }
  t.is((await server.client.login(firebaseEmail, FIREBASE.password)).statusCode, 200, 'the Firebase vector signs in')
  t.regex((await storedHash(server, firebaseEmail))!, /^\$2b\$04\$/)
  t.is((await server.client.login(noPasswordEmail, password)).statusCode, 400, 'no hash: no password signs in until a reset')
  const roles = await server.context.roles.findRoleNamesByUserId((await server.context.users.findUserByEmail(noPasswordEmail))!.id)
  t.deepEqual(roles.sort(), ['admin', 'user'])
  const audit = await server.context.audit.findAuditEvents({ type: 'user.imported', limit: 1000 })
  t.true(audit.some((event) => String(event.detail).includes(`"imported":${Object.keys(hashes).length + 2},`)), 'one audit entry for the import')
})

serverTest('user:import reports each bad record by line number, imports the rest, and exits 65', async (t, server) => {
  const [good, second] = [uniqueEmail('good'), uniqueEmail('good')]
  const hash = await bcrypt.hash('Some-Password-1', 4)
  const input = [
    JSON.stringify({ email: good, password_hash: hash }),
    JSON.stringify({ email: 'not-an-email', password_hash: hash }),
    JSON.stringify({ email: uniqueEmail('md5'), password_hash: '$1$saltsalt$hashhashhashhashhash' }),
    '{"email": "broken@example.com", ',
    '',
    JSON.stringify({ email: good.toUpperCase(), password_hash: hash }),
    JSON.stringify({ email: uniqueEmail('bcrypt'), password_hash: '$2b$04$tooShort' }),
    JSON.stringify({ email: uniqueEmail('role'), roles: ['no-such-role'] }),
    JSON.stringify({ email: second, disabled: 'yes' }),
    JSON.stringify({ email: uniqueEmail('salt'), password_hash: 'aGFzaA==', password_salt: 'c2FsdA==' }),
  ].join('\n')
  const result = await cli(server, ['user:import', '-'], input)
  t.is(result.code, 65, result.stderr)
  t.regex(result.stdout, /imported 1, updated 0, skipped 0, failed 8 in [\d.]+ s \(\d+ records\/s\)/)
  // Reported as found: a record's own problems at once, an unknown role when its batch is written.
  const lineNumber = (line: string) => Number(/^line (\d+):/.exec(line)?.[1])
  const lines = result.stderr.trim().split('\n').sort((a, b) => lineNumber(a) - lineNumber(b))
  t.deepEqual(lines.map(lineNumber), [2, 3, 4, 6, 7, 8, 9, 10], result.stderr)
  t.regex(lines[0]!, /line 2: email: /)
  t.regex(lines[1]!, /line 3: password_hash: unknown hash format/)
  t.regex(lines[2]!, /line 4: not JSON/)
  t.regex(lines[3]!, /line 6: email: .* is a duplicate of line 1/)
  t.regex(lines[4]!, /line 7: password_hash: a bcrypt hash is/)
  t.regex(lines[5]!, /line 8: roles: unknown role no-such-role/)
  t.regex(lines[6]!, /line 9: disabled: true or false/)
  t.regex(lines[7]!, /line 10: password_salt: a Firebase hash needs/)
  t.truthy(await server.context.users.findUserByEmail(good))
  t.falsy(await server.context.users.findUserByEmail(second))
})

serverTest('user:import --on-conflict fail, skip and update; a second run changes nothing more; --dry-run writes nothing', async (t, server) => {
  const email = uniqueEmail('conflict')
  t.is((await server.client.register(email, 'Original-Pass-123')).statusCode, 200)
  const newHash = await bcrypt.hash('Imported-Pass-456', 4)
  const file = jsonLines([{ email, password_hash: newHash, disabled: true, roles: ['admin'], email_verified: true }])

  const failed = await cli(server, ['user:import', file])
  t.is(failed.code, 65)
  t.regex(failed.stderr, /line 1: email: .* is already registered \(--on-conflict skip or update\)/)
  const skipped = await cli(server, ['user:import', file, '--on-conflict', 'skip', '--json'])
  t.is(skipped.code, 0, skipped.stderr)
  t.like(JSON.parse(skipped.stdout), { imported: 0, skipped: 1, failed: 0 })
  t.not(await storedHash(server, email), newHash)

  const dryUpdate = await cli(server, ['user:import', file, '--on-conflict', 'update', '--dry-run', '--json'])
  t.like(JSON.parse(dryUpdate.stdout), { updated: 1, dry_run: true })
  t.not(await storedHash(server, email), newHash, '--dry-run changed nothing')

  for (const run of [1, 2]) {
    const updated = await cli(server, ['user:import', file, '--on-conflict', 'update', '--json'])
    t.is(updated.code, 0, updated.stderr)
    t.like(JSON.parse(updated.stdout), { imported: 0, updated: 1, skipped: 0, failed: 0 }, `run ${run}`)
    const user = (await server.context.users.findUserByEmail(email))!
    t.is(user.password_hash, newHash)
    t.truthy(user.disabled)
    t.not(user.email_verified_at, null)
    t.deepEqual((await server.context.roles.findRoleNamesByUserId(user.id)).sort(), ['admin', 'user'])
  }
  t.is((await server.client.login(email, 'Imported-Pass-456')).statusCode, 403, 'the imported password, on an account the record disabled')

  const fresh = [uniqueEmail('dry'), uniqueEmail('dry')]
  const dry = await cli(server, ['user:import', jsonLines(fresh.map((address) => ({ email: address, password_hash: newHash }))), '--dry-run'])
  t.is(dry.code, 0, dry.stderr)
  t.regex(dry.stdout, /^Dry run, nothing written: imported 2,/)
  for (const address of fresh) t.falsy(await server.context.users.findUserByEmail(address), '--dry-run writes no user')
})

serverTest('user:export writes user:import\'s format; a file exported from one Heimdall imports into another, unchanged', async (t, server) => {
  const tag = `roundtrip${process.pid}x${Date.now()}`
  const emails = [`a.${tag}@example.com`, `b.${tag}@example.com`, `c.${tag}@example.com`]
  const argonHash = await argon2.hash('Round-Trip-Pass-1', { type: argon2.argon2id, memoryCost: 1024, timeCost: 2, parallelism: 1 })
  const seed = jsonLines([
    { email: emails[0], password_hash: await bcrypt.hash('Round-Trip-Pass-1', 4), roles: ['admin'], email_verified: true, created_at: '2019-01-01T00:00:00Z' },
    { email: emails[1], password_hash: argonHash, disabled: true, created_at: '2019-01-02T00:00:00Z' },
    { email: emails[2], created_at: '2019-01-03T00:00:00Z' },
  ])
  t.is((await cli(server, ['user:import', seed])).code, 0)

  const exportFile = join(dir, `${tag}.jsonl`)
  const exported = await cli(server, ['user:export', '--include-hashes', '--output', exportFile])
  t.is(exported.code, 0, exported.stderr)
  t.regex(exported.stdout, /Exported \d+ users to /)
  const ours = (text: string) => text.split('\n').filter((line) => line.includes(tag)).sort()
  const lines = ours(readFileSync(exportFile, 'utf8'))
  t.is(lines.length, 3)
  t.deepEqual(JSON.parse(lines[1]!), { email: emails[1], email_verified: false, roles: ['user'], disabled: true, created_at: '2019-01-02T00:00:00.000Z', password_hash: argonHash })
  t.false('password_hash' in JSON.parse(lines[2]!), 'an account without a password exports no hash')

  const withoutHashes = await cli(server, ['user:export'])
  t.is(withoutHashes.code, 0)
  t.false(ours(withoutHashes.stdout).some((line) => line.includes('password_hash')), 'hashes only with --include-hashes')
  t.is((await cli(server, ['user:export', '--json'])).code, 2, '--json needs --output: the lines would share standard output')

  const other = await createMigratedTestDatabase(server.backend)
  try {
    const otherEnv = { HEIMDALL_DATABASE_URL: other.url }
    const imported = await cli(server, ['user:import', exportFile, '--json'], undefined, otherEnv)
    t.is(imported.code, 0, imported.stderr)
    t.is(JSON.parse(imported.stdout).failed, 0)
    const again = await cli(server, ['user:export', '--include-hashes'], undefined, otherEnv)
    t.deepEqual(ours(again.stdout), lines, 'the same users, roles, flags, dates and hashes')
    t.is((await cli(server, ['user:import', exportFile, '--on-conflict', 'skip'], undefined, otherEnv)).code, 0, 'idempotent')
  } finally {
    await other.drop()
  }
})
