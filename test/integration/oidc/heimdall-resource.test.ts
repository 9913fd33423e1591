import { createHmac, sign, type KeyObject } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import test from 'ava'
import * as oidc from 'openid-client'
import type { Browser, Page } from 'playwright-core'
import { registerUser } from '../../../src/usecases/users/register-user.js'
import { revokeSession } from '../../../src/usecases/sessions/revoke-session.js'
import { createClient } from '../../../src/usecases/oidc/create-client.js'
import { browserAvailable, launchBrowser } from '../../support/browser.js'
import { backends } from '../../support/db.js'
import { headerOf, verifyWithJwks, type Jwk } from '../../support/jwks.js'
import { claimsOf } from '../../support/jwt.js'
import { discover, oauthError, startOidcServer } from '../../support/oidc.js'
import { TEST_PASSWORD, TEST_SECRET, uniqueEmail, type TestServer } from '../../support/server.js'

/** A server with OpenID Connect on; `resource` is Heimdall's own resource identifier, its HEIMDALL_PUBLIC_URL. */
type OidcServer = TestServer & { issuer: string; resource: string }
/** Per backend: one server with HS256 access tokens (the default) and one with EdDSA. */
const servers = new Map<string, { hs256: OidcServer; eddsa: OidcServer }>()
let browser: Browser
let callback: Server
let redirectUri: string

const OTHER_RESOURCE = 'https://api.example.com'

async function startServer(backend: ReturnType<typeof backends>[number], env: Record<string, string> = {}): Promise<OidcServer> {
  const server = await startOidcServer(backend, env)
  return Object.assign(server, { resource: server.issuer.replace(/\/oidc$/, '') })
}

if (browserAvailable('Access tokens for Heimdall through OpenID Connect')) {
  test.before(async () => {
    callback = createServer((_req, res) => res.end('relying party'))
    await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve))
    redirectUri = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/callback`
    browser = await launchBrowser()
    for (const backend of backends()) {
      servers.set(backend, { hs256: await startServer(backend), eddsa: await startServer(backend, { HEIMDALL_JWT_ALG: 'EdDSA' }) })
    }
  })
  test.after.always(async () => {
    await browser?.close()
    for (const pair of servers.values()) await Promise.all([pair.hs256.close(), pair.eddsa.close()])
    callback?.close()
  })

  for (const backend of backends()) registerTests(backend)
}

interface Rp {
  config: oidc.Configuration
  clientId: string
  email: string
  userId: string
}

async function relyingParty(server: OidcServer, firstParty = true): Promise<Rp> {
  const email = uniqueEmail('resource')
  const { userId } = await registerUser(server.context, { email, password: TEST_PASSWORD })
  const created = await createClient(server.context, {
    name: firstParty ? 'Dashboard' : 'Third-party app',
    redirectUris: [redirectUri],
    postLogoutRedirectUris: [],
    grants: ['authorization_code', 'refresh_token'],
    scopes: ['openid', 'email', 'roles', 'offline_access'],
    isPublic: false,
    firstParty,
  })
  return { config: await discover(server.issuer, created.clientId, created.clientSecret), clientId: created.clientId, email, userId }
}

async function authorizationRequest(rp: Rp, options: { resource?: string; scope?: string } = {}) {
  const verifier = oidc.randomPKCECodeVerifier()
  const state = oidc.randomState()
  const scope = options.scope ?? 'openid email roles offline_access'
  const url = oidc.buildAuthorizationUrl(rp.config, {
    redirect_uri: redirectUri,
    scope,
    ...(scope.includes('offline_access') ? { prompt: 'consent' } : {}),
    ...(options.resource === undefined ? {} : { resource: options.resource }),
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  })
  return { url, checks: { pkceCodeVerifier: verifier, expectedState: state } }
}

/** Runs the authorization in the browser (signing in when the page asks) and answers where it returned to. */
async function authorize(page: Page, rp: Rp, url: URL): Promise<URL> {
  await page.goto(url.href)
  await page.waitForURL((at) => at.href.startsWith(redirectUri) || at.pathname === '/account/login')
  if (!page.url().startsWith(redirectUri)) {
    await page.fill('input[name=email]', rp.email)
    await page.fill('input[name=password]', TEST_PASSWORD)
    await page.click('button[type=submit]')
    await page.waitForURL((at) => at.href.startsWith(redirectUri))
  }
  return new URL(page.url())
}

/** The code flow with `resource` in the authorization request and in the token request. */
async function tokensForResource(page: Page, rp: Rp, resource: string, beforeExchange?: () => Promise<void>) {
  const { url, checks } = await authorizationRequest(rp, { resource })
  const returned = await authorize(page, rp, url)
  await beforeExchange?.()
  return oidc.authorizationCodeGrant(rp.config, returned, checks, { resource })
}

async function validate(server: OidcServer, token: string) {
  return (await server.client.validate(token)).body as Record<string, unknown>
}

async function introspect(server: OidcServer, token: string) {
  return (await server.client.http.post<Record<string, unknown>>('oauth/introspect', { form: { token } })).body
}

async function sessionOf(server: OidcServer, userId: string) {
  const sessions = await server.context.sessions.findSessionsByUserId(userId)
  return sessions.find((session) => session.revoked_at === null)!
}

/** `token` with its header and claims changed, signed by `signer` over the new signing input. */
function resigned(token: string, header: Record<string, unknown>, claims: Record<string, unknown>, signer: (input: string) => Buffer): string {
  const segment = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const input = `${segment({ ...headerOf(token), ...header })}.${segment({ ...claimsOf(token), ...claims })}`
  return `${input}.${signer(input).toString('base64url')}`
}

const hs256 = (input: string) => createHmac('sha256', TEST_SECRET).update(input).digest()
const eddsa = (key: KeyObject) => (input: string) => sign(null, Buffer.from(input), key)

function registerTests(backend: string): void {
  test(`an access token for resource=HEIMDALL_PUBLIC_URL is an RFC 9068 JWT that validates at /auth/validate and /oauth/introspect; the opaque one and the ID token do not; session:revoke ends it and its refresh at once [${backend}]`, async (t) => {
    const server = servers.get(backend)!.hs256
    const rp = await relyingParty(server)
    const context = await browser.newContext()
    const page = await context.newPage()
    const tokens = await tokensForResource(page, rp, server.resource)

    t.like(headerOf(tokens.access_token), { typ: 'at+jwt', alg: 'HS256' })
    const claims = claimsOf(tokens.access_token)
    const session = await sessionOf(server, rp.userId)
    t.like(claims, { iss: server.issuer, aud: server.resource, client_id: rp.clientId, sub: rp.userId, sid: session.id, email: rp.email, email_verified: false, amr: ['pwd'] })
    t.true(claims.exp <= Math.floor(Number(session.expires_at) / 1000), 'the token ends no later than its session')
    t.is(tokens.expires_in, claims.exp - claims.iat)

    const validated = await validate(server, tokens.access_token)
    t.like(validated, { is_valid: true, user_id: rp.userId, email: rp.email, email_verified: false, amr: ['pwd'], error: null })
    t.true((validated.permissions as string[]).includes('user:read'), JSON.stringify(validated))
    t.like(await introspect(server, tokens.access_token), { active: true, sub: rp.userId, sid: session.id, iss: server.issuer, client_id: rp.clientId, username: rp.email, token_type: 'access_token' })
    t.is((await server.client.me(tokens.access_token)).statusCode, 200, "it is accepted by Heimdall's API as well")

    // The ID token (RS256 here) and an access token without resource (opaque, for userinfo) are not Heimdall tokens.
    t.like(await validate(server, tokens.id_token!), { is_valid: false })
    const plain = await authorizationRequest(rp, { scope: 'openid email' })
    const opaque = await oidc.authorizationCodeGrant(rp.config, await authorize(page, rp, plain.url), plain.checks)
    t.is(opaque.access_token.split('.').length, 1, 'without resource the access token stays opaque')
    t.like(await oidc.fetchUserInfo(rp.config, opaque.access_token, rp.userId), { sub: rp.userId, email: rp.email })
    t.like(await validate(server, opaque.access_token), { is_valid: false })
    t.like(await introspect(server, opaque.access_token), { active: false })

    // A refresh for the same resource gets another Heimdall token of the same session.
    const refreshed = await oidc.refreshTokenGrant(rp.config, tokens.refresh_token!, { resource: server.resource })
    t.like(claimsOf(refreshed.access_token), { sid: session.id, aud: server.resource })
    t.like(await validate(server, refreshed.access_token), { is_valid: true, user_id: rp.userId })

    // session:revoke: the tokens stop validating at once, and the grant can no longer be refreshed.
    await revokeSession(server.context, { sessionId: session.id, reason: 'admin' })
    for (const token of [tokens.access_token, refreshed.access_token]) {
      t.like(await validate(server, token), { is_valid: false, error: 'Session has been revoked' })
      t.like(await introspect(server, token), { active: false })
    }
    t.is(await oauthError(oidc.refreshTokenGrant(rp.config, refreshed.refresh_token!, { resource: server.resource })), 'invalid_grant')
    await context.close()
  })

  test(`logout-all with the token for Heimdall ends every session of its user: the token, the user's other tokens and the refresh stop at once [${backend}]`, async (t) => {
    const server = servers.get(backend)!.hs256
    const rp = await relyingParty(server)
    const context = await browser.newContext()
    const page = await context.newPage()
    const tokens = await tokensForResource(page, rp, server.resource)
    const api = await server.client.loginTokens(rp.email, TEST_PASSWORD)
    t.like(await validate(server, tokens.access_token), { is_valid: true })

    const loggedOut = await server.client.http.post('auth/logout-all', { headers: { authorization: `Bearer ${tokens.access_token}` } })
    t.is(loggedOut.statusCode, 204)
    t.like(await validate(server, tokens.access_token), { is_valid: false })
    t.like(await validate(server, api.accessToken), { is_valid: false })
    t.is(await oauthError(oidc.refreshTokenGrant(rp.config, tokens.refresh_token!, { resource: server.resource })), 'invalid_grant')
    await context.close()
  })

  test(`RP-initiated logout: "Yes, sign me out" ends the Heimdall session, and with it the token for Heimdall and the refresh at once; "No, stay signed in" leaves them (an offline_access grant outlives the logout, another is revoked) [${backend}]`, async (t) => {
    const server = servers.get(backend)!.hs256
    const rp = await relyingParty(server)
    const context = await browser.newContext()
    const page = await context.newPage()
    const logout = async (answer: 'Yes, sign me out' | 'No, stay signed in', idToken: string) => {
      await page.goto(oidc.buildEndSessionUrl(rp.config, { id_token_hint: idToken }).href)
      await page.getByRole('button', { name: answer }).click()
      await page.waitForURL((at) => at.pathname !== '/oidc/session/end')
    }

    const offline = await tokensForResource(page, rp, server.resource)
    await logout('No, stay signed in', offline.id_token!)
    t.like(await validate(server, offline.access_token), { is_valid: true }, 'the Heimdall session goes on')
    const refreshed = await oidc.refreshTokenGrant(rp.config, offline.refresh_token!, { resource: server.resource })
    t.truthy(refreshed.access_token, 'a grant with offline_access outlives the logout (OIDC Core 1.0 section 11)')

    const online = await authorizationRequest(rp, { scope: 'openid email' })
    const onlineTokens = await oidc.authorizationCodeGrant(rp.config, await authorize(page, rp, online.url), online.checks)
    const sub = onlineTokens.claims()!.sub
    t.like(await oidc.fetchUserInfo(rp.config, onlineTokens.access_token, sub), { sub })
    await logout('No, stay signed in', onlineTokens.id_token!)
    t.not(await oauthError(oidc.fetchUserInfo(rp.config, onlineTokens.access_token, sub)), undefined, 'a grant without offline_access is revoked')

    const ended = await tokensForResource(page, rp, server.resource)
    await logout('Yes, sign me out', ended.id_token!)
    t.like(await validate(server, ended.access_token), { is_valid: false, error: 'Session has been revoked' })
    t.like(await validate(server, refreshed.access_token), { is_valid: false }, 'every token of that Heimdall session')
    t.is(await oauthError(oidc.refreshTokenGrant(rp.config, refreshed.refresh_token!, { resource: server.resource })), 'invalid_grant')
    await context.close()
  })

  test(`only Heimdall itself is a resource, for first-party clients and users only (invalid_target otherwise); tokens for another audience, or with typ or iss changed, do not validate [${backend}]`, async (t) => {
    const server = servers.get(backend)!.hs256
    const rp = await relyingParty(server)
    const refusedTarget = async (client: Rp, resource: string) => {
      const { url } = await authorizationRequest(client, { resource })
      const answer = await fetch(url, { redirect: 'manual' })
      return new URL(answer.headers.get('location')!).searchParams.get('error')
    }
    t.is(await refusedTarget(rp, OTHER_RESOURCE), 'invalid_target')
    t.is(await refusedTarget(rp, `${server.resource}/auth`), 'invalid_target')
    t.is(await refusedTarget(await relyingParty(server, false), server.resource), 'invalid_target', 'third-party clients get no token for Heimdall')
    const machine = await createClient(server.context, { name: 'nightly-job', redirectUris: [], postLogoutRedirectUris: [], grants: ['client_credentials'], scopes: ['user:read'], isPublic: false, firstParty: true })
    const machineConfig = await discover(server.issuer, machine.clientId, machine.clientSecret)
    t.is(await oauthError(oidc.clientCredentialsGrant(machineConfig, { scope: 'user:read', resource: server.resource })), 'invalid_target')
    t.truthy((await oidc.clientCredentialsGrant(machineConfig, { scope: 'user:read' })).access_token, 'without resource, client credentials work as before')

    // Forgeries with the HS256 secret (which only Heimdall holds): the checks are the issuer's, the typ's and the aud's.
    const context = await browser.newContext()
    const { access_token: token } = await tokensForResource(await context.newPage(), rp, server.resource)
    t.like(await validate(server, resigned(token, {}, {}, hs256)), { is_valid: true }, 'control: the same header and claims signed again')
    const forged = {
      otherAudience: resigned(token, {}, { aud: OTHER_RESOURCE }, hs256),
      noAudience: resigned(token, {}, { aud: undefined }, hs256),
      typJwt: resigned(token, { typ: 'JWT' }, {}, hs256),
      noTyp: resigned(token, { typ: undefined }, {}, hs256),
      ownIssuerAtJwt: resigned(token, {}, { iss: 'heimdall' }, hs256),
      ownIssuerApplicationAtJwt: resigned(token, { typ: 'application/at+jwt' }, { iss: 'heimdall' }, hs256),
      otherIssuer: resigned(token, {}, { iss: `${OTHER_RESOURCE}/oidc` }, hs256),
      noClientId: resigned(token, {}, { client_id: undefined }, hs256),
    }
    for (const [name, forgery] of Object.entries(forged)) {
      t.like(await validate(server, forgery), { is_valid: false }, name)
      t.like(await introspect(server, forgery), { active: false }, name)
    }
    await context.close()
  })

  test(`EdDSA: the token for Heimdall verifies against /.well-known/jwks.json, ends no later than its session and validates; the ID token signed with the same key, and forgeries with that key, do not [${backend}]`, async (t) => {
    const server = servers.get(backend)!.eddsa
    const rp = await relyingParty(server)
    const context = await browser.newContext()
    // The session ends in two minutes, well before the access token's usual lifetime.
    const sessionEnd = Date.now() + 120_000
    const tokens = await tokensForResource(await context.newPage(), rp, server.resource, async () => {
      await server.context.db('sessions').where({ user_id: rp.userId }).update({ expires_at: sessionEnd })
    })

    const header = headerOf(tokens.access_token)
    t.like(header, { typ: 'at+jwt', alg: 'EdDSA' })
    const jwks = (await server.client.jwks()).body as { keys: Jwk[] }
    const claims = verifyWithJwks(tokens.access_token, jwks)
    t.truthy(claims, 'the token verifies with the published key set')
    t.like(claims, { iss: server.issuer, aud: server.resource, sub: rp.userId, client_id: rp.clientId })
    t.true((claims!.exp as number) <= Math.floor(sessionEnd / 1000), `exp ${claims!.exp} is past the session's end`)
    t.true(tokens.expires_in! <= 120, `expires_in ${tokens.expires_in}`)
    t.like(await validate(server, tokens.access_token), { is_valid: true, user_id: rp.userId, email: rp.email, amr: ['pwd'] })
    t.like(await introspect(server, tokens.access_token), { active: true, client_id: rp.clientId, exp: claims!.exp })

    // One key signs ID tokens and access tokens here: the ID token verifies at the JWKS, yet is no access token.
    t.is(headerOf(tokens.id_token!).kid, header.kid)
    t.truthy(verifyWithJwks(tokens.id_token!, jwks))
    t.like(await validate(server, tokens.id_token!), { is_valid: false })

    const row = (await server.context.signingKeys.list()).find((key) => key.kid === header.kid)!
    const signer = eddsa(await server.context.signingKeys.privateKeyOf(row))
    t.like(await validate(server, resigned(tokens.access_token, {}, {}, signer)), { is_valid: true }, 'control: the same header and claims signed again')
    const forged = {
      otherAudience: resigned(tokens.access_token, {}, { aud: OTHER_RESOURCE }, signer),
      typJwt: resigned(tokens.access_token, { typ: 'JWT' }, {}, signer),
      ownIssuerAtJwt: resigned(tokens.access_token, {}, { iss: 'heimdall' }, signer),
      idTokenRetyped: resigned(tokens.id_token!, { typ: 'at+jwt' }, {}, signer),
    }
    for (const [name, forgery] of Object.entries(forged)) t.like(await validate(server, forgery), { is_valid: false }, name)
    await context.close()
  })
}
