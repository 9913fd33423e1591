import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { runCli } from '../support/cli.js'
import { eventually } from '../support/eventually.js'
import { claimsOf } from '../support/jwt.js'
import { headerOf, verifyWithJwks, type Jwk } from '../support/jwks.js'
import { serverTest, TEST_PASSWORD, uniqueEmail } from '../support/server.js'

const PUBLICATION_SKEW_MS = 60_000

for (const alg of ['RS256', 'EdDSA'] as const) {
  serverTest(
    `${alg}: keys:rotate switches a running server to the new key; the old one verifies until its publication ends`,
    async (t, server) => {
      const email = uniqueEmail('rotate')
      const before = await server.client.registerAndLogin(email, TEST_PASSWORD)
      const oldKid = headerOf(before.accessToken).kid as string

      const rotated = await runCli(['keys:rotate', '--json'], { env: server.env })
      t.is(rotated.code, 0, rotated.stderr)
      const rotation = JSON.parse(rotated.stdout)
      t.is(rotation.alg, alg)
      t.not(rotation.kid, oldKid)
      t.deepEqual(
        rotation.retired.map((old: { kid: string }) => old.kid),
        [oldKid],
      )

      // The running server follows the rotation made by another process within a few seconds.
      let newToken = ''
      const pickedUp = await eventually(
        async () => {
          newToken = (await server.client.loginTokens(email, TEST_PASSWORD)).accessToken
          return headerOf(newToken).kid === rotation.kid
        },
        10_000,
        500,
      )
      t.truthy(pickedUp, 'new logins carry the new kid')
      t.true((await server.client.validate(newToken)).body.is_valid)
      t.true((await server.client.validate(before.accessToken)).body.is_valid, 'tokens of the retired key still validate')

      const jwks = (await server.client.jwks()).body as { keys: Jwk[] }
      t.deepEqual(jwks.keys.map((key) => key.kid).sort(), [oldKid, rotation.kid].sort())
      t.truthy(verifyWithJwks(before.accessToken, jwks))
      t.truthy(verifyWithJwks(newToken, jwks))

      const listed = await runCli(['keys:list', '--json'], { env: server.env })
      t.is(listed.code, 0, listed.stderr)
      const keys = JSON.parse(listed.stdout) as Array<Record<string, string | null>>
      t.like(keys, [
        { kid: oldKid, alg, state: 'retired' },
        { kid: rotation.kid, alg, state: 'active', retired_at: null, published_until: null },
      ])
      // Published for an access token lifetime (15 minutes here) plus the skew after retirement.
      const old = keys[0]
      t.is(Date.parse(old.published_until!) - Date.parse(old.retired_at!), 15 * 60_000 + PUBLICATION_SKEW_MS)

      const human = await runCli(['keys:list'], { env: server.env })
      t.regex(human.stdout, new RegExp(`${oldKid}\\s+${alg}\\s+retired\\s+created \\S+\\s+published until \\d{4}-`))
      t.regex(human.stdout, new RegExp(`${rotation.kid}\\s+${alg}\\s+active`))

      // When its publication ends (moved forward here rather than waited for), the old key leaves the
      // JWKS and its tokens stop validating, on the running server too.
      await server.context.db('signing_keys').where({ kid: oldKid }).update({ published_until: Date.now() - 1000 })
      const left = await eventually(async () => !(await server.client.jwks()).body.keys.some((key: Jwk) => key.kid === oldKid), 10_000, 250)
      t.truthy(left, 'the expired key leaves the JWKS')
      t.false((await server.client.validate(before.accessToken)).body.is_valid)
      t.true((await server.client.validate(newToken)).body.is_valid)
      const after = JSON.parse((await runCli(['keys:list', '--json'], { env: server.env })).stdout)
      t.like(after, [{ kid: oldKid, state: 'expired' }, { kid: rotation.kid, state: 'active' }])
    },
    { env: { HEIMDALL_JWT_ALG: alg } },
  )
}

serverTest(
  'the retired key stays published past its short-lived tokens only by the skew, and past a longer token:issue',
  async (t, server) => {
    const email = uniqueEmail('window')
    await server.client.registerAndLogin(email, TEST_PASSWORD)
    const issued = await runCli(['token:issue', email, '--ttl', '1h', '--json'], { env: server.env })
    t.is(issued.code, 0, issued.stderr)
    const longLived = JSON.parse(issued.stdout).access_token
    const { exp } = claimsOf(longLived)

    const rotated = await runCli(['keys:rotate', '--json'], { env: server.env })
    t.is(rotated.code, 0, rotated.stderr)
    const [retired] = JSON.parse(rotated.stdout).retired
    // 2 s tokens alone would leave it published 62 s; the 1 h token keeps it until that token expires, plus the skew.
    t.is(Date.parse(retired.published_until), exp * 1000 + PUBLICATION_SKEW_MS)
    t.true((await server.client.validate(longLived)).body.is_valid)
  },
  { env: { HEIMDALL_JWT_ALG: 'EdDSA', HEIMDALL_ACCESS_TOKEN_TTL: '2s' } },
)

serverTest(
  'a short access token lifetime: the retired key is published for that lifetime plus 60 s',
  async (t, server) => {
    await server.client.registerAndLogin(uniqueEmail('short'), TEST_PASSWORD)
    const rotated = await runCli(['keys:rotate', '--json'], { env: server.env })
    t.is(rotated.code, 0, rotated.stderr)
    const keys = JSON.parse((await runCli(['keys:list', '--json'], { env: server.env })).stdout)
    t.is(Date.parse(keys[0].published_until) - Date.parse(keys[0].retired_at), 2000 + PUBLICATION_SKEW_MS)
  },
  { env: { HEIMDALL_JWT_ALG: 'RS256', HEIMDALL_ACCESS_TOKEN_TTL: '2s' } },
)

serverTest(
  'token:issue creates the first key when there is none, and the server accepts the token through its kid',
  async (t, server) => {
    const email = uniqueEmail('lazy')
    t.is((await server.client.register(email, TEST_PASSWORD)).statusCode, 200)
    t.is((await runCli(['keys:list', '--json'], { env: server.env })).stdout.trim(), '[]')

    const issued = await runCli(['token:issue', email], { env: server.env })
    t.is(issued.code, 0, issued.stderr)
    const token = issued.stdout.trim()
    t.is(headerOf(token).alg, 'EdDSA')
    // The server has never loaded a key: the unknown kid makes it read them, then accept.
    t.true((await server.client.validate(token)).body.is_valid)
    const verified = await runCli(['token:verify', token], { env: server.env })
    t.is(verified.code, 0, verified.stderr)
    const keys = JSON.parse((await runCli(['keys:list', '--json'], { env: server.env })).stdout)
    t.like(keys, [{ kid: headerOf(token).kid, state: 'active' }])
  },
  { env: { HEIMDALL_JWT_ALG: 'EdDSA' } },
)

serverTest(
  'a data key that cannot decrypt the stored key is a configuration error; another JWT secret is not',
  async (t, server) => {
    const email = uniqueEmail('secret')
    await server.client.registerAndLogin(email, TEST_PASSWORD)
    const otherSecret = await runCli(['token:issue', email], { env: { ...server.env, HEIMDALL_JWT_SECRET: 'another-secret-that-is-long-enough-0123456789' } })
    t.is(otherSecret.code, 0, otherSecret.stderr)
    const [id] = readFileSync(server.env.HEIMDALL_DATA_KEY_FILE, 'utf8').split('\n').filter((line) => line !== '' && !line.startsWith('#')).map((line) => line.split(':')[0])
    const wrong = await runCli(['token:issue', email], { env: { ...server.env, HEIMDALL_DATA_KEYS: `${id}:${randomBytes(32).toString('base64url')}` } })
    t.is(wrong.code, 78)
    t.regex(wrong.stderr, new RegExp(`does not open under data key "${id}"`))
  },
  { env: { HEIMDALL_JWT_ALG: 'EdDSA' } },
)

serverTest('HS256: keys:rotate explains that keys are for RS256 and EdDSA; keys:list has none', async (t, server) => {
  const rotated = await runCli(['keys:rotate'], { env: server.env })
  t.is(rotated.code, 78)
  t.regex(rotated.stderr, /HEIMDALL_JWT_ALG=RS256 or EdDSA/)
  const listed = await runCli(['keys:list'], { env: server.env })
  t.is(listed.code, 0, listed.stderr)
  t.regex(listed.stdout, /No signing keys: tokens are HS256/)

  const invalid = await runCli(['keys:list'], { env: { ...server.env, HEIMDALL_JWT_ALG: 'ES256' } })
  t.is(invalid.code, 78)
  t.regex(invalid.stderr, /HEIMDALL_JWT_ALG must be one of HS256, RS256, EdDSA \(got "ES256"\)/)
})

serverTest('keys commands have help with examples', async (t, server) => {
  for (const command of ['keys:rotate', 'keys:list']) {
    const help = await runCli([command, '--help'], { env: server.env })
    t.is(help.code, 0, help.stderr)
    t.regex(help.stdout, /EXAMPLES/)
    t.regex(help.stdout, /--database-url/)
    t.regex(help.stdout, /--json/)
  }
})
