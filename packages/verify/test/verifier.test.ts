// @heimdall/verify against a real Heimdall (SQLite: the database plays no part in verifying locally):
// its own RS256 and EdDSA tokens, the OpenID provider's at+jwt tokens for Heimdall's resource, key
// rotation, the revocation set, failing closed, the cache of verified tokens (what a hit still checks),
// and the Koa middleware and the Express middleware in a real Express 5 app.
import test from 'ava'
import { createServer, type Server } from 'node:http'
import express from 'express'
import Koa from 'koa'
import * as oidc from 'openid-client'
import { createRevocationSet, createStreamRevocations, createVerifier, expressMiddleware, koaMiddleware, type Validation } from '../src/index.js'
import { startTestServer, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../../test/support/server.js'
import { startOidcServer, type OidcServer } from '../../../test/support/oidc.js'
import { FormBrowser, authorizeOverHttp, relyingParty } from '../../../test/support/oidc-http-sign-in.js'
import { runCli } from '../../../test/support/cli.js'
import { freePort } from '../../../test/support/free-port.js'
import { eventually } from '../../../test/support/eventually.js'
import { ssfReceiver } from '../../../test/support/ssf.js'

let rs256: OidcServer
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
  t.true((await verifier.verify(first.accessToken)).is_valid)

  t.true((await verifier.verify(second.accessToken)).is_valid)
  t.like(verifier.stats(), { cached: 2, hits: 0, misses: 2 })

  set.revokeSession(claimsOf(first.accessToken).sid, Math.floor(Date.now() / 1000))
  t.like(await verifier.verify(first.accessToken), { is_valid: false, code: 'session.revoked' })
  t.true((await verifier.verify(second.accessToken)).is_valid)

  const { sub, iat } = claimsOf(second.accessToken)
  set.revokeUser(sub, iat - 1)
  t.true((await verifier.verify(second.accessToken)).is_valid, 'a revocation before the token was issued does not touch it')
  set.revokeUser(sub, iat)
  t.like(await verifier.verify(second.accessToken), { is_valid: false, code: 'session.revoked' })

  t.like(verifier.stats(), { hits: 4, misses: 2 }, 'every answer after the first two came from the cache, revocations included')

  stale = 'the revocation stream has not answered for 31 s (bound 30 s)'
  t.like(await verifier.verify(first.accessToken), { is_valid: false, code: 'verifier.unavailable', error: stale })
  t.like(await verifier.verify(second.accessToken), { is_valid: false, code: 'verifier.unavailable', error: stale })
})

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sid: string; sub: string; iat: number; exp: number }

test('cache: a token answered from the cache is refused as soon as the stream revokes its session (logout) or its user (logout-all), and fails closed once the stream is silent past its bound', async (t) => {
  const receiver = await ssfReceiver(rs256)
  const jwksUri = jwksOf(rs256)
  const revocations = createStreamRevocations({ transmitterConfigUrl: `${rs256.url}/.well-known/ssf-configuration`, accessToken: receiver.token, jwksUri, issuer: rs256.url, audience: receiver.clientId, intervalMs: 100, maxStalenessMs: 1000 })
  try {
    await revocations.ready
    const verifier = createVerifier({ jwksUri, issuer: 'heimdall', revocations })
    const [one, two, three] = [await signedIn(rs256), await signedIn(rs256), await signedIn(rs256)]
    for (const user of [one, two, three]) for (let i = 0; i < 2; i++) t.true((await verifier.verify(user.accessToken)).is_valid)
    t.like(verifier.stats(), { cached: 3, hits: 3, misses: 3 })

    await rs256.client.logout(one.accessToken)
    t.truthy(await eventually(async () => (await verifier.verify(one.accessToken)).code === 'session.revoked', 3000), 'logout seen through the stream')
    await rs256.client.logoutAll(two.accessToken)
    t.truthy(await eventually(async () => (await verifier.verify(two.accessToken)).code === 'session.revoked', 3000), 'logout-all seen through the stream')
    t.true((await verifier.verify(three.accessToken)).is_valid)
    t.is(verifier.stats().misses, 3, 'no signature was checked again: the refusals came from cached tokens')

    await revocations.close()
    t.truthy(await eventually(async () => (await verifier.verify(three.accessToken)).code === 'verifier.unavailable', 5000), 'a silent stream fails closed for cached tokens too')
    t.regex((await verifier.verify(three.accessToken)).error ?? '', /Revocation stream silent for \d+ s \(bound 1 s\)/)
  } finally {
    await revocations.close()
  }
})

test("cache: a cached token expires at its exp as an uncached one does, with the same clock tolerance, and is kept no longer than cacheMaxAgeMs", async (t) => {
  const { accessToken } = await signedIn(eddsa)
  const { exp } = claimsOf(accessToken)
  let clock = Date.now()
  // An hour: longer than the token lives, so that only its exp ends the entry.
  const strict = createVerifier({ jwksUri: jwksOf(eddsa), issuer: 'heimdall', cacheMaxAgeMs: 3_600_000, now: () => clock })
  t.true((await strict.verify(accessToken)).is_valid)
  clock = exp * 1000 - 1
  t.true((await strict.verify(accessToken)).is_valid)
  t.like(strict.stats(), { hits: 1, misses: 1 })
  clock = exp * 1000
  t.like(await strict.verify(accessToken), { is_valid: false, code: 'token.expired', error: 'Token has expired' })
  t.like(strict.stats(), { cached: 0 }, 'the expired token left the cache')

  clock = Date.now()
  const tolerant = createVerifier({ jwksUri: jwksOf(eddsa), issuer: 'heimdall', clockToleranceSeconds: 5, cacheMaxAgeMs: 3_600_000, now: () => clock })
  t.true((await tolerant.verify(accessToken)).is_valid)
  clock = (exp + 5) * 1000 - 1
  t.true((await tolerant.verify(accessToken)).is_valid)
  t.like(tolerant.stats(), { hits: 1, misses: 1 })
  clock = (exp + 5) * 1000
  t.like(await tolerant.verify(accessToken), { is_valid: false, code: 'token.expired' })

  clock = Date.now()
  const brief = createVerifier({ jwksUri: jwksOf(eddsa), issuer: 'heimdall', cacheMaxAgeMs: 1000, now: () => clock })
  t.true((await brief.verify(accessToken)).is_valid)
  clock += 999
  t.true((await brief.verify(accessToken)).is_valid)
  clock += 1
  t.true((await brief.verify(accessToken)).is_valid)
  t.like(brief.stats(), { hits: 1, misses: 2 }, 'verified again once cacheMaxAgeMs had passed')
})

test('cache: bounded by cacheMaxEntries, the oldest verified token goes first; 0 turns the cache off', async (t) => {
  const tokens = [(await signedIn(eddsa)).accessToken, (await signedIn(eddsa)).accessToken, (await signedIn(eddsa)).accessToken]
  const verifier = createVerifier({ jwksUri: jwksOf(eddsa), issuer: 'heimdall', cacheMaxEntries: 2 })
  for (const token of tokens) t.true((await verifier.verify(token)).is_valid)
  t.like(verifier.stats(), { cached: 2, hits: 0, misses: 3 })
  t.true((await verifier.verify(tokens[2])).is_valid)
  t.true((await verifier.verify(tokens[1])).is_valid)
  t.like(verifier.stats(), { cached: 2, hits: 2, misses: 3 }, 'the two newest are held')
  t.true((await verifier.verify(tokens[0])).is_valid)
  t.like(verifier.stats(), { cached: 2, hits: 2, misses: 4 }, 'the oldest was evicted: its signature checked again')

  t.throws(() => createVerifier({ jwksUri: jwksOf(eddsa), issuer: 'heimdall', cacheMaxEntries: -1 }), { instanceOf: TypeError })
  t.throws(() => createVerifier({ jwksUri: jwksOf(eddsa), issuer: 'heimdall', cacheMaxAgeMs: Number.NaN }), { instanceOf: TypeError })
  const off = createVerifier({ jwksUri: jwksOf(eddsa), issuer: 'heimdall', cacheMaxEntries: 0 })
  for (let i = 0; i < 3; i++) t.true((await off.verify(tokens[0])).is_valid)
  t.like(off.stats(), { cached: 0, hits: 0, misses: 3 })
})

test('cache: a forged token carrying the claims of a cached one (other bytes) is never answered from the cache, and refusals are not cached', async (t) => {
  const verifier = createVerifier({ jwksUri: jwksOf(eddsa), issuer: 'heimdall' })
  const { accessToken } = await signedIn(eddsa)
  t.true((await verifier.verify(accessToken)).is_valid)
  const [header, payload, signature] = accessToken.split('.')
  // A character inside the signature (the last one carries padding bits a decoder may ignore).
  const otherSignature = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`
  const raised = Buffer.from(JSON.stringify({ ...claimsOf(accessToken), permissions: ['admin'] })).toString('base64url')
  for (let i = 0; i < 2; i++) {
    t.like(await verifier.verify(`${header}.${payload}.${otherSignature}`), { is_valid: false, code: 'token.invalid', error: 'Token signature is invalid' })
    // The cached token's own signature on other claims: the same cache key, other bytes.
    t.like(await verifier.verify(`${header}.${raised}.${signature}`), { is_valid: false, code: 'token.invalid', error: 'Token signature is invalid' })
  }
  t.like(verifier.stats(), { cached: 1, hits: 0, misses: 5 })
  t.true((await verifier.verify(accessToken)).is_valid)
  t.like(verifier.stats(), { hits: 1 })
})

test('cache: once the JWKS no longer publishes a kid, the tokens it signed leave the cache and are refused', async (t) => {
  const { accessToken } = await signedIn(eddsa)
  const kid = JSON.parse(Buffer.from(accessToken.split('.')[0], 'base64url').toString()).kid as string
  let withdrawn = false
  // Heimdall's JWKS as it is, or without the token's key (a key Heimdall stopped publishing).
  const jwksUrl = await listen((_req, res) => {
    void fetch(jwksOf(eddsa)).then(async (upstream) => {
      const jwks = (await upstream.json()) as { keys: Array<{ kid: string }> }
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ keys: jwks.keys.filter((key) => !withdrawn || key.kid !== kid) }))
    })
  })
  const verifier = createVerifier({ jwksUri: jwksUrl, issuer: 'heimdall', jwksCooldownMs: 0 })
  t.true((await verifier.verify(accessToken)).is_valid)
  t.true((await verifier.verify(accessToken)).is_valid)
  t.like(verifier.stats(), { cached: 1, hits: 1 })

  withdrawn = true
  // A token with a kid the verifier does not know makes it read the JWKS again (the cooldown is 0).
  const [, payload, signature] = accessToken.split('.')
  const unknownKid = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid: 'unknown' })).toString('base64url')
  t.like(await verifier.verify(`${unknownKid}.${payload}.${signature}`), { is_valid: false, code: 'token.invalid' })
  t.is(verifier.stats().cached, 0, 'the withdrawn key took its tokens out of the cache')
  t.like(await verifier.verify(accessToken), { is_valid: false, code: 'token.invalid', error: 'Token is signed with an unknown key' })
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
