import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { runCli as runCliOnce, type CliResult } from '../../support/cli.js'
import { claimsOf } from '../../support/jwt.js'
import { legacySealPrivateKey, legacySealTotpSecret } from '../../support/legacy-seal.js'
import { enrolTotp, postJson, registerVerifiedAndLogin, totpCode } from '../../support/mfa.js'
import type { HeimdallAPIClient, JsonResponse } from '../../support/api-client.js'
import { serverTest, startSecondInstance, TEST_PASSWORD, TEST_SECRET, uniqueEmail, type TestServer } from '../../support/server.js'

/** Generous: these tests start many processes, on machines that may be busy. */
function runCli(args: string[], options: { env: Record<string, string> }): Promise<CliResult> {
  return runCliOnce(args, { ...options, timeoutMs: 120_000 })
}

// Every test here changes what the whole database is sealed under: one server each.
const EDDSA = { env: { HEIMDALL_JWT_ALG: 'EdDSA' } }
const OTHER_SECRET = 'another-secret-that-is-long-enough-for-hs256-9876543210'

/** Password, then the TOTP code `offsetSteps` ahead (enrolTotp spent the current one). */
async function signInWithTotp(client: HeimdallAPIClient, email: string, secret: string, offsetSteps = 1): Promise<JsonResponse> {
  const first = await client.login(email, TEST_PASSWORD)
  if (first.statusCode !== 403) return first
  return postJson(client, 'auth/login/mfa', { mfa_token: first.body.mfa_token, code: await totpCode(secret, offsetSteps) })
}

/** The key ids of a data key file, the sealing one first. */
function keyIdsIn(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => line.split(':')[0])
}

/** Every value sealed at rest: TOTP secrets and the private halves of signing keys. */
async function sealedValues(server: TestServer): Promise<string[]> {
  const totp = await server.context.db('mfa_totp').pluck('secret_encrypted')
  const keys = await server.context.db('signing_keys').whereNotNull('private_key_encrypted').pluck('private_key_encrypted')
  return [...totp, ...keys].map(String)
}

async function enrolledUser(server: TestServer, label: string): Promise<{ email: string; userId: string; secret: string }> {
  const email = uniqueEmail(label)
  const { userId, accessToken } = await registerVerifiedAndLogin(server, email)
  const { secret } = await enrolTotp(server.client, accessToken)
  return { email, userId, secret }
}

serverTest(
  'a TOTP user still signs in after the JWT secret changes, and the EdDSA signing key still signs',
  async (t, server) => {
    const { email, secret } = await enrolledUser(server, 'secret-change')
    const changed = await startSecondInstance(server, { HEIMDALL_JWT_SECRET: OTHER_SECRET })
    try {
      const signedIn = await signInWithTotp(changed.client, email, secret)
      t.is(signedIn.statusCode, 200, JSON.stringify(signedIn.body))
      t.deepEqual(claimsOf(signedIn.body.access_token).amr, ['pwd', 'otp', 'mfa'])
    } finally {
      await changed.close()
    }
  },
  EDDSA,
)

serverTest(
  'data-key:rotate seals every secret at rest under a new key, audited; the running server follows and the user still signs in',
  async (t, server) => {
    const { email, secret } = await enrolledUser(server, 'rotation')
    const keyFile = server.env.HEIMDALL_DATA_KEY_FILE
    t.is(statSync(keyFile).mode & 0o777, 0o600, 'generated on first use, readable by its owner alone')
    const [oldId] = keyIdsIn(keyFile)
    const before = await sealedValues(server)
    t.is(before.length, 2)
    for (const value of before) t.true(value.startsWith(`v2.${oldId}.`), value.slice(0, 20))

    const rotated = await runCli(['data-key:rotate', '--json'], { env: server.env })
    t.is(rotated.code, 0, rotated.stdout + rotated.stderr)
    const result = JSON.parse(rotated.stdout)
    t.like(result, { generated: true, source: keyFile, resealed: { totp_secret: 1, signing_key: 1 } })
    t.not(result.key_id, oldId)
    t.deepEqual(keyIdsIn(keyFile), [result.key_id, oldId], 'the new key seals; the old one stays readable')
    t.is(statSync(keyFile).mode & 0o777, 0o600)
    for (const value of await sealedValues(server)) t.true(value.startsWith(`v2.${result.key_id}.`), value.slice(0, 20))
    const audit = await server.context.db('audit_events').where({ type: 'data_key.rotated' })
    t.is(audit.length, 1)
    t.like(JSON.parse(audit[0].detail), { key_id: result.key_id, generated: true, resealed: { totp_secret: 1, signing_key: 1 } })

    const signedIn = await signInWithTotp(server.client, email, secret)
    t.is(signedIn.statusCode, 200, JSON.stringify(signedIn.body))
    const later = await enrolledUser(server, 'after-rotation')
    const [sealedLater] = await server.context.db('mfa_totp').where({ user_id: later.userId }).pluck('secret_encrypted')
    t.true(String(sealedLater).startsWith(`v2.${result.key_id}.`), 'the running server seals under the new key')

    const again = await runCli(['data-key:rotate', '--reencrypt-only', '--json'], { env: server.env })
    t.is(again.code, 0, again.stderr)
    t.like(JSON.parse(again.stdout), { key_id: result.key_id, generated: false, resealed: { totp_secret: 0, signing_key: 0 } })
  },
  EDDSA,
)

serverTest(
  'secrets an older release sealed under the JWT secret are sealed under the data key at start-up, and survive a JWT secret change',
  async (t, server) => {
    const { email, userId, secret } = await enrolledUser(server, 'upgrade')
    // The database as an older release left it.
    await server.context.db('mfa_totp').where({ user_id: userId }).update({ secret_encrypted: legacySealTotpSecret(TEST_SECRET, secret, userId) })
    const [key] = await server.context.db('signing_keys').whereNotNull('private_key_encrypted')
    const privateKey = await server.context.signingKeys.privateKeyOf(key)
    await server.context.db('signing_keys').where({ kid: key.kid }).update({ private_key_encrypted: legacySealPrivateKey(TEST_SECRET, privateKey, key.kid, key.alg) })
    t.true((await sealedValues(server)).every((value) => value.startsWith('v1.')))

    const upgraded = await startSecondInstance(server)
    await upgraded.close()
    const [dataKeyId] = keyIdsIn(server.env.HEIMDALL_DATA_KEY_FILE)
    for (const value of await sealedValues(server)) t.true(value.startsWith(`v2.${dataKeyId}.`), value.slice(0, 20))
    const audit = await server.context.db('audit_events').where({ type: 'data_key.migrated' })
    t.is(audit.length, 1)
    t.like(JSON.parse(audit[0].detail), { key_id: dataKeyId, resealed: { totp_secret: 1, signing_key: 1 } })

    const changed = await startSecondInstance(server, { HEIMDALL_JWT_SECRET: OTHER_SECRET })
    try {
      const signedIn = await signInWithTotp(changed.client, email, secret)
      t.is(signedIn.statusCode, 200, JSON.stringify(signedIn.body))
    } finally {
      await changed.close()
    }
  },
  EDDSA,
)

serverTest(
  'doctor checks the data key: present, private, and opening every secret at rest; a missing or wrong key fails',
  async (t, server) => {
    await enrolledUser(server, 'doctor')
    const keyFile = server.env.HEIMDALL_DATA_KEY_FILE
    const [id] = keyIdsIn(keyFile)
    const material = readFileSync(keyFile, 'utf8').split(`${id}:`)[1].trim()
    const dataKeyCheck = async (env: Record<string, string>) => {
      const run = await runCli(['doctor', '--json'], { env: { ...server.env, ...env } })
      t.false(run.stdout.includes(material), 'no key material is printed')
      const check = JSON.parse(run.stdout).find((entry: { name: string }) => entry.name === 'data_key')
      return { code: run.code, ...check }
    }

    const ok = await dataKeyCheck({})
    t.like(ok, { code: 0, status: 'ok' })
    t.regex(ok.detail, new RegExp(`1 key\\(s\\) in ${keyFile}, sealing with ${id}; 2 secret\\(s\\) at rest open`))

    const elsewhere = join(dirname(keyFile), 'moved', 'data-keys')
    const missing = await dataKeyCheck({ HEIMDALL_DATA_KEY_FILE: elsewhere })
    t.like(missing, { code: 1, status: 'fail' })
    t.regex(missing.detail, /2 of 2 secret\(s\) at rest do not open/)
    t.false(existsSync(elsewhere), 'doctor generates no key')

    const wrong = await dataKeyCheck({ HEIMDALL_DATA_KEYS: `${id}:${randomBytes(32).toString('base64url')}` })
    t.like(wrong, { code: 1, status: 'fail' })
    t.regex(wrong.detail, new RegExp(`does not open under data key "${id}" from HEIMDALL_DATA_KEYS`))

    const other = await dataKeyCheck({ HEIMDALL_DATA_KEYS: `other:${randomBytes(32).toString('base64url')}` })
    t.regex(other.detail, new RegExp(`sealed under data key "${id}", which HEIMDALL_DATA_KEYS does not hold`))

    chmodSync(keyFile, 0o644)
    try {
      const exposed = await dataKeyCheck({})
      t.like(exposed, { code: 1, status: 'fail', fix: `chmod 600 ${keyFile}` })
    } finally {
      chmodSync(keyFile, 0o600)
    }

    if (server.backend !== 'sqlite') {
      // Neither setting, and no file at the default place beside the JWT secret file.
      const unnamed = await dataKeyCheck({ HEIMDALL_DATA_KEY_FILE: '', HEIMDALL_SECRET_FILE: join(dirname(keyFile), 'moved', 'jwt-secret') })
      t.like(unnamed, { code: 1, status: 'fail' })
      t.regex(unnamed.detail, server.backend === 'mysql' ? /MySQL deployments must share their data keys/ : /PostgreSQL deployments must share their data keys/)
    }

    const invalid = await runCli(['config:show'], { env: { ...server.env, HEIMDALL_DATA_KEYS: 'no-key-here' } })
    t.is(invalid.code, 78)
    t.regex(invalid.stderr, /HEIMDALL_DATA_KEYS entry 1 must look like "id:key"/)
  },
  EDDSA,
)
