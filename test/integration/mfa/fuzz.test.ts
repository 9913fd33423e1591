import type { Method } from 'got'
import { enrolTotp, postJson, sharedServers, registerVerifiedAndLogin } from '../../support/mfa.js'
import { registerUser } from '../../../src/usecases/users/register-user.js'
import { TEST_PASSWORD, uniqueEmail } from '../../support/server.js'

/** mulberry32: a seeded generator, so a failure can be replayed with the seed it prints. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let value = state
    value = Math.imul(value ^ (value >>> 15), value | 1)
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61)
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296
  }
}

const ENDPOINTS: Array<[string, string]> = [
  ['POST', 'auth/login/mfa'],
  ['POST', 'auth/mfa/totp/setup'],
  ['POST', 'auth/mfa/totp/confirm'],
  ['POST', 'auth/mfa/totp/disable'],
  ['POST', 'auth/mfa/recovery-codes'],
  ['POST', 'auth/passkeys/register/options'],
  ['POST', 'auth/passkeys/register/verify'],
  ['GET', 'auth/passkeys'],
  ['DELETE', 'auth/passkeys/00000000-0000-0000-0000-000000000000'],
  ['DELETE', 'auth/passkeys/%ff'],
  ['POST', 'auth/passkeys/login/options'],
  ['POST', 'auth/passkeys/login/verify'],
]
const FIELDS = ['mfa_token', 'code', 'recovery_code', 'passkey_response', 'password', 'response', 'name', 'email', 'id', 'rawId', 'type', 'clientDataJSON']
const STRINGS = ['', ' ', '\u0000', '💥'.repeat(300), 'a'.repeat(5000), "' OR 1=1 --", '123456', '12345', '1234567', 'hmt_', 'het_x', 'public-key', 'e30', 'eyJjaGFsbGVuZ2UiOiJ4In0', '\ud800', TEST_PASSWORD]

sharedServers({ env: { HEIMDALL_MFA_REQUIRED_ROLES: 'admin', HEIMDALL_RATE_LIMIT_PER_MINUTE: '0' } }).each('fuzz: 1,500 malformed requests to every MFA and passkey endpoint, with real and fake tokens, produce no 5xx', async (t, server) => {
  const { client } = server
  const seed = Date.now() % 100000
  t.log(`seed ${seed}`)
  const next = random(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]

  // Real credentials of every kind, so that requests get past authentication and reach the parsers.
  const { accessToken } = await registerVerifiedAndLogin(server, uniqueEmail('fuzz'), TEST_PASSWORD)
  const mfaUser = uniqueEmail('fuzz-mfa')
  const mfaSession = await registerVerifiedAndLogin(server, mfaUser, TEST_PASSWORD)
  await enrolTotp(client, mfaSession.accessToken)
  const mfaToken: string = (await client.login(mfaUser, TEST_PASSWORD)).body.mfa_token
  const admin = uniqueEmail('fuzz-admin')
  await registerUser(server.context, { email: admin, password: TEST_PASSWORD, roles: ['admin'], byOperator: true })
  const enrolmentToken: string = (await client.login(admin, TEST_PASSWORD)).body.enrollment_token
  const options = (await postJson(client, 'auth/passkeys/login/options', {})).body

  const text = (): string => (next() < 0.6 ? pick([...STRINGS, mfaToken, options.challenge]) : Array.from({ length: Math.floor(next() * 30) }, () => String.fromCharCode(Math.floor(next() * 0xffff))).join(''))
  const value = (depth: number): unknown => {
    const kind = Math.floor(next() * (depth > 3 ? 5 : 7))
    if (kind === 0) return null
    if (kind === 1) return next() < 0.5 ? Math.floor(next() * 1e12) - 5e11 : next() * 1e308
    if (kind === 2) return next() < 0.5
    if (kind === 3 || kind === 4) return text()
    if (kind === 5) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1))
    return Object.fromEntries(Array.from({ length: Math.floor(next() * 5) }, () => [pick(FIELDS), value(depth + 1)]))
  }
  const credential = () => ({
    id: pick([text(), 'AAAA']),
    rawId: text(),
    type: pick(['public-key', text()]),
    response: { clientDataJSON: pick([text(), Buffer.from(JSON.stringify({ challenge: options.challenge, type: 'webauthn.get', origin: 'http://localhost:8000' })).toString('base64url')]), authenticatorData: text(), signature: text(), attestationObject: text() },
    clientExtensionResults: pick([{}, value(2)]),
  })
  const body = (): string | undefined => {
    const kind = Math.floor(next() * 6)
    if (kind === 0) return undefined
    if (kind === 1) return JSON.stringify({ mfa_token: pick([mfaToken, text()]), [pick(['code', 'recovery_code', 'passkey_response'])]: next() < 0.5 ? credential() : value(1) })
    if (kind === 2) return JSON.stringify({ response: next() < 0.7 ? credential() : value(1), name: value(1), email: value(1), password: pick([TEST_PASSWORD, text()]) })
    if (kind === 3) return JSON.stringify(value(0)).slice(0, Math.floor(next() * 200))
    if (kind === 4) return JSON.stringify(value(0))
    return text()
  }

  const failures: string[] = []
  for (let sent = 0; sent < 1500; sent += 25) {
    await Promise.all(
      Array.from({ length: 25 }, async () => {
        const [usual, path] = pick(ENDPOINTS)
        const method = (next() < 0.85 ? usual : pick(['GET', 'PUT', 'PATCH', 'DELETE', 'POST'])) as Method
        const token = pick([undefined, accessToken, enrolmentToken, mfaToken, 'het_nope', text()])
        const headers: Record<string, string> = { 'content-type': pick(['application/json', 'application/json', 'text/plain', '']) }
        if (token !== undefined) headers.authorization = `Bearer ${token.replace(/[^\x21-\x7e]/g, 'x')}`
        const payload = method === 'GET' ? undefined : body()
        const response = await client.http(path, { method, body: payload, headers })
        if (response.statusCode >= 500) failures.push(`${method} ${path} ${payload?.slice(0, 200)} -> ${response.statusCode} ${JSON.stringify(response.body)}`)
      }),
    )
  }
  t.deepEqual(failures, [])
  t.is((await client.health()).statusCode, 200)
  t.true((await client.validate(accessToken)).body.is_valid, 'the real session is still fine')
})
