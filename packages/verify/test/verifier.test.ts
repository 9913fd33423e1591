// @heimdall/verify against a real Heimdall (SQLite: the database plays no part in verifying locally):
// its own RS256 and EdDSA tokens, the OpenID provider's at+jwt tokens for Heimdall's resource, key
// rotation, the revocation set, failing closed, and the Koa middleware and the Express middleware in a
// real Express 5 app.
import test from 'ava'
import { createServer, type Server } from 'node:http'
import express from 'express'
import Koa from 'koa'
import * as oidc from 'openid-client'
import { createRevocationSet, createVerifier, expressMiddleware, koaMiddleware, type Validation } from '../src/index.js'
import { startTestServer, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../../test/support/server.js'
import { startOidcServer } from '../../../test/support/oidc.js'
import { FormBrowser, authorizeOverHttp, relyingParty } from '../../../test/support/oidc-http-sign-in.js'
import { runCli } from '../../../test/support/cli.js'
import { freePort } from '../../../test/support/free-port.js'
import { eventually } from '../../../test/support/eventually.js'

let rs256: TestServer & { issuer: string }
let eddsa: TestServer
const listening: Server[] = []

test.before(async () => {
  ;[rs256, eddsa] = await Promise.all([startOidcServer('sqlite', { HEIMDALL_JWT_ALG: 'RS256' }), startTestServer('sqlite', { env: { HEIMDALL_JWT_ALG: 'EdDSA' } })])
})

test.after.always(async () => {
  for (const server of listening) server.close()
  await Promise.all([rs256?.close(), eddsa?.close()])
})

const jwksOf = (server: TestServer) => `${server.url}/.well-known/jwks.json`

async function signedIn(server: TestServer): Promise<{ email: string; accessToken: string; refreshToken: string }> {
  const email = uniqueEmail('verify')
  await server.client.register(email, TEST_PASSWORD)
  return { email, ...(await server.client.loginTokens(email, TEST_PASSWORD)) }
}

/** What Heimdall itself answers for the token, for comparison. */
async function heimdallAnswer(server: TestServer, token: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${server.url}/auth/validate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) })
  return (await response.json()) as Record<string, unknown>
}

function contractFields(answer: Validation | Record<string, unknown>) {
  const { is_valid, user_id, email, email_verified, permissions, amr } = answer as Validation
  return { is_valid, user_id, email, email_verified, permissions, amr }
}

for (const alg of ['RS256', 'EdDSA'] as const) {
  test(`${alg}: a token of Heimdall's verifies locally with the fields /auth/validate answers; a forged, tampered or expired one is refused with its reason`, async (t) => {
    const server = alg === 'RS256' ? rs256 : eddsa
    const verifier = createVerifier({ jwksUri: jwksOf(server), issuer: 'heimdall' })
    const { accessToken } = await signedIn(server)
    const local = await verifier.verify(accessToken)
    t.deepEqual(contractFields(local), contractFields(await heimdallAnswer(server, accessToken)))
    t.true(local.is_valid)
    t.is(local.code, null)
    t.truthy(local.session_id)

    const [header, payload, signature] = accessToken.split('.')
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
    const raised = Buffer.from(JSON.stringify({ ...claims, permissions: ['admin'] })).toString('base64url')
    t.like(await verifier.verify(`${header}.${raised}.${signature}`), { is_valid: false, code: 'token.invalid', error: 'Token signature is invalid' })
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')
    t.like(await verifier.verify(`${none}.${payload}.`), { is_valid: false, code: 'token.invalid' })
    t.like(await verifier.verify('not a token'), { is_valid: false, code: 'token.invalid' })

    const later = createVerifier({ jwksUri: jwksOf(server), issuer: 'heimdall', now: () => (claims.exp + 1) * 1000 })
    t.like(await later.verify(accessToken), { is_valid: false, code: 'token.expired', error: 'Token has expired' })
    const otherIssuer = createVerifier({ jwksUri: jwksOf(server), issuer: 'someone-else' })
    t.like(await otherIssuer.verify(accessToken), { is_valid: false, code: 'token.invalid' })
  })
}

test('an HS256 Heimdall publishes no key to verify with: its tokens are refused, never checked against a public key as an HMAC secret', async (t) => {
  const hs256 = await startTestServer('sqlite')
  try {
    const { accessToken } = await signedIn(hs256)
    const verifier = createVerifier({ jwksUri: jwksOf(hs256), issuer: 'heimdall' })
    t.like(await verifier.verify(accessToken), { is_valid: false, code: 'token.invalid' })
  } finally {
    await hs256.close()
  }
})

test('after keys:rotate, a token signed with the new key verifies once the cooldown has passed, and the old key still verifies its tokens', async (t) => {
  const before = await signedIn(eddsa)
  const verifier = createVerifier({ jwksUri: jwksOf(eddsa), issuer: 'heimdall', jwksCooldownMs: 0 })
  t.true((await verifier.verify(before.accessToken)).is_valid)
  const rotated = await runCli(['keys:rotate', '--json'], { env: eddsa.env })
  t.is(rotated.code, 0, rotated.stderr)
  const { kid } = JSON.parse(rotated.stdout) as { kid: string }
  const kidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid
  // The running server follows a rotation made by another process within a few seconds (keys.test.ts).
  let after = ''
  const pickedUp = await eventually(async () => {
    after = (await eddsa.client.loginTokens(before.email, TEST_PASSWORD)).accessToken
    return kidOf(after) === kid
  }, 10_000, 500)
  t.truthy(pickedUp, 'the server signs with the rotated key')
  t.true((await verifier.verify(after)).is_valid)
  t.true((await verifier.verify(before.accessToken)).is_valid)
})

test("the OpenID provider's at+jwt access token for Heimdall's resource verifies with the oidc option, and only with it", async (t) => {
  const resource = rs256.issuer.replace(/\/oidc$/, '')
  const rp = await relyingParty(rs256, { redirectUri: 'https://rp.example.com/callback' })
  const codeVerifier = oidc.randomPKCECodeVerifier()
  const state = oidc.randomState()
  const url = oidc.buildAuthorizationUrl(rp.config, {
    redirect_uri: rp.redirectUri,
    scope: 'openid email',
    resource,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
  })
  const returned = await authorizeOverHttp(new FormBrowser(), url, { email: rp.email }, { redirectUri: rp.redirectUri })
  const tokens = await oidc.authorizationCodeGrant(rp.config, returned, { pkceCodeVerifier: codeVerifier, expectedState: state }, { resource })
  const accessToken = tokens.access_token

  const withOidc = createVerifier({ jwksUri: jwksOf(rs256), issuer: 'heimdall', oidc: { issuer: rs256.issuer, audience: resource } })
  const local = await withOidc.verify(accessToken)
  t.deepEqual(contractFields(local), contractFields(await heimdallAnswer(rs256, accessToken)))
  t.like(local, { is_valid: true, client_id: rp.clientId, email: rp.email })
  const ownOnly = createVerifier({ jwksUri: jwksOf(rs256), issuer: 'heimdall' })
  t.like(await ownOnly.verify(accessToken), { is_valid: false, code: 'token.invalid' })
  const otherAudience = createVerifier({ jwksUri: jwksOf(rs256), issuer: 'heimdall', oidc: { issuer: rs256.issuer, audience: 'https://api.example.com' } })
  t.like(await otherAudience.verify(accessToken), { is_valid: false, code: 'token.invalid', error: 'Token of the OpenID provider is not for this resource (aud)' })
})

test('a revoked session, and every session of a user revoked at or after its token was issued, are refused; a stale stream refuses everything and says why', async (t) => {
  const set = createRevocationSet({ retainSeconds: 900 })
  let stale: string | undefined
  const verifier = createVerifier({ jwksUri: jwksOf(eddsa), issuer: 'heimdall', revocations: { set, unavailable: () => stale } })
  const first = await signedIn(eddsa)
  const second = await signedIn(eddsa)
  const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())
  t.true((await verifier.verify(first.accessToken)).is_valid)

  set.revokeSession(claimsOf(first.accessToken).sid, Math.floor(Date.now() / 1000))
  t.like(await verifier.verify(first.accessToken), { is_valid: false, code: 'session.revoked' })
  t.true((await verifier.verify(second.accessToken)).is_valid)

  const { sub, iat } = claimsOf(second.accessToken)
  set.revokeUser(sub, iat - 1)
  t.true((await verifier.verify(second.accessToken)).is_valid, 'a revocation before the token was issued does not touch it')
  set.revokeUser(sub, iat)
  t.like(await verifier.verify(second.accessToken), { is_valid: false, code: 'session.revoked' })

  stale = 'the revocation stream has not answered for 31 s (bound 30 s)'
  t.like(await verifier.verify(first.accessToken), { is_valid: false, code: 'verifier.unavailable', error: stale })
})

test('the revocation set forgets what no live token could need: entries older than its retention', (t) => {
  let now = 1_000_000
  const set = createRevocationSet({ retainSeconds: 900, now: () => now })
  set.revokeSession('s1', now)
  set.revokeUser('u1', now)
  t.is(set.size(), 2)
  now += 899
  t.is(set.size(), 2)
  t.true(set.isRevoked({ sid: 's1', sub: 'x', iat: now - 10 }))
  now += 2
  t.is(set.size(), 0)
})

test('a JWKS that cannot be reached fails closed with verifier.unavailable', async (t) => {
  const port = await freePort()
  const verifier = createVerifier({ jwksUri: `http://127.0.0.1:${port}/.well-known/jwks.json`, issuer: 'heimdall' })
  const { accessToken } = await signedIn(eddsa)
  const answer = await verifier.verify(accessToken)
  t.like(answer, { is_valid: false, code: 'verifier.unavailable' })
  t.regex(answer.error!, /keys cannot be read/)
})

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler)
  listening.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as { port: number }
  return `http://127.0.0.1:${address.port}`
}

test('the Koa middleware and the Express middleware in a real Express 5 app let a valid token through with its verification (the fields POST /auth/validate answers), and answer 401 with the validation and WWW-Authenticate otherwise, without reaching the route', async (t) => {
  const verifier = createVerifier({ jwksUri: jwksOf(eddsa), issuer: 'heimdall' })
  const reached = { koa: 0, express: 0 }
  const koa = new Koa()
  koa.use(koaMiddleware(verifier))
  koa.use((ctx) => {
    reached.koa++
    ctx.body = ctx.state.heimdall
  })
  const koaUrl = await listen(koa.callback())
  const app = express()
  app.use(expressMiddleware(verifier))
  app.get('/', (req, res) => {
    reached.express++
    res.json(req.heimdall) // typed: the package merges heimdall into Express.Request
  })
  const expressUrl = await listen(app)

  const { accessToken } = await signedIn(eddsa)
  const forgedToken = `${accessToken.slice(0, -4)}AAAA`
  const atHeimdall = { valid: await heimdallAnswer(eddsa, accessToken), forged: await heimdallAnswer(eddsa, forgedToken) }
  for (const [name, url] of [['koa', koaUrl], ['express', expressUrl]] as const) {
    const ok = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } })
    t.is(ok.status, 200, name)
    const passed = (await ok.json()) as Validation
    t.deepEqual(contractFields(passed), contractFields(atHeimdall.valid), name)
    t.true(passed.is_valid)
    t.is(reached[name], 1, `${name}: the route ran once, for the valid token`)

    const missing = await fetch(url)
    t.is(missing.status, 401, name)
    t.like(await missing.json(), { is_valid: false, code: 'token.invalid', error: 'Authorization header with a Bearer token is required' })
    t.regex(missing.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token"/)

    const forged = await fetch(url, { headers: { authorization: `Bearer ${forgedToken}` } })
    t.is(forged.status, 401, name)
    t.is(forged.headers.get('content-type'), 'application/json; charset=utf-8')
    const refusal = (await forged.json()) as Validation
    t.deepEqual(contractFields(refusal), contractFields(atHeimdall.forged), name)
    t.is(refusal.code, 'token.invalid')
    t.is(reached[name], 1, `${name}: a refused token never reaches the route`)
  }
})

test("Express 5: an error from the verifier (a revocation feed of the caller's that throws) goes to next(error), Express's error handler, and never to the route", async (t) => {
  const feed = { set: createRevocationSet({ retainSeconds: 900 }), unavailable: (): string | undefined => { throw new Error('feed broken') } }
  const verifier = createVerifier({ jwksUri: jwksOf(eddsa), issuer: 'heimdall', revocations: feed })
  const handled: unknown[] = []
  let reached = 0
  const app = express()
  app.get('/', expressMiddleware(verifier), (_req, res) => {
    reached++
    res.json({ reached: true })
  })
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    handled.push(error)
    res.status(500).json({ handled: (error as Error).message })
  })
  const url = await listen(app)
  const { accessToken } = await signedIn(eddsa)
  const answer = await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } })
  t.is(answer.status, 500)
  t.deepEqual(await answer.json(), { handled: 'feed broken' })
  t.is(handled.length, 1)
  t.is(reached, 0)
})
