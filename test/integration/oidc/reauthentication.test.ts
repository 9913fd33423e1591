// prompt=login and max_age (OpenID Connect Core 1.0 section 3.1.2.1): a browser signed in to Heimdall
// is asked to authenticate again when the client says so, and the ID token's auth_time is when the
// user really authenticated. Over HTTP with a cookie jar; openid-client is the relying party and checks
// auth_time against max_age itself. One Heimdall per backend for the file.
import test from 'ava'
import * as oidc from 'openid-client'
import type { SessionRow } from '../../../src/infra/db/tables.js'
import { registerUser } from '../../../src/usecases/users/register-user.js'
import { revokeSession } from '../../../src/usecases/sessions/revoke-session.js'
import { backends } from '../../support/db.js'
import { oauthError, type OidcServer, oidcServersForFile } from '../../support/oidc.js'
import { authorizeOverHttp, formsOf, FormBrowser, relyingParty, signInOverHttp, userinfoStatus, type RelyingParty } from '../../support/oidc-http-sign-in.js'
import { untilWholeSecondsPass } from '../../support/let-time-pass.js'
import { TEST_PASSWORD, uniqueEmail } from '../../support/server.js'

const servers = oidcServersForFile()

const seconds = (epochMs: number | string) => Math.floor(Number(epochMs) / 1000)

/**
 * Waits until a sign-in made now carries an auth_time (whole seconds) at least 2 greater than one
 * made at `earlierEpochMs` (milliseconds), so that it is also older than a max_age of 1 (oidc-provider
 * asks again when now - auth_time > max_age): between 1 and 2 s.
 */
const pastEarlierAuthTime = (earlierEpochMs: number | string) =>
  untilWholeSecondsPass(Number(earlierEpochMs), 2, "auth_time counts whole seconds on oidc-provider's clock, which the test cannot move")

/** An authorization request (PKCE, state, scope openid email) with extra parameters (prompt, max_age). */
async function authorization(rp: RelyingParty, extra: Record<string, string>) {
  const verifier = oidc.randomPKCECodeVerifier()
  const state = oidc.randomState()
  const url = oidc.buildAuthorizationUrl(rp.config, {
    redirect_uri: rp.redirectUri,
    scope: 'openid email',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...extra,
  })
  return { url, verifier, state }
}

/** The code flow in `browser` with extra parameters: the tokens, and every sign-in page it was shown. */
async function codeFlow(browser: FormBrowser, rp: RelyingParty, extra: Record<string, string>) {
  const request = await authorization(rp, extra)
  const signInPages: string[] = []
  const returned = await authorizeOverHttp(browser, request.url, { email: rp.email }, { redirectUri: rp.redirectUri, onSignInPage: (html) => signInPages.push(html) })
  const tokens = await oidc.authorizationCodeGrant(rp.config, returned, {
    pkceCodeVerifier: request.verifier,
    expectedState: request.state,
    ...(extra.max_age === undefined ? {} : { maxAge: Number(extra.max_age) }),
  })
  return { tokens, signInPages, claims: tokens.claims()! }
}

/**
 * A relying party's user signed in on the account page itself (/account/login), as a person would
 * before using any application, in a browser of its own; answers them with that sign-in's Heimdall
 * session, once a new sign-in would have a later auth_time (pastEarlierAuthTime).
 */
async function signedInAtAccountPage(t: { is: (a: unknown, b: unknown) => void }, server: OidcServer): Promise<{ rp: RelyingParty; browser: FormBrowser; earlier: SessionRow }> {
  const rp = await relyingParty(server)
  const browser = new FormBrowser()
  const page = await browser.request(`${server.url}/account/login`)
  const form = formsOf(await page.text()).find((candidate) => 'password' in candidate.fields)!
  const answer = await browser.request(new URL(form.action, server.url).href, { form: { ...form.fields, email: rp.email, password: TEST_PASSWORD } })
  t.is(answer.headers.get('location'), '/account')
  const [earlier] = await sessionsOf(server, rp.email)
  await pastEarlierAuthTime(earlier.created_at)
  return { rp, browser, earlier }
}

async function sessionsOf(server: OidcServer, email: string): Promise<SessionRow[]> {
  const user = await server.context.users.findUserByEmail(email)
  return server.context.sessions.findSessionsByUserId(user!.id)
}

async function grantSessionOf(server: OidcServer, clientId: string): Promise<string[]> {
  const rows = await server.context.db('oidc_payloads').where({ kind: 'Grant', client_id: clientId }).select('session_id')
  return rows.map((row: { session_id: string | null }) => String(row.session_id))
}

for (const backend of backends()) {
  test(`prompt=login: a browser signed in on the account page is asked for the password again; auth_time is the new sign-in's, the grant lives in its session [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const { rp, browser, earlier } = await signedInAtAccountPage(t, server)

    const { tokens, signInPages, claims } = await codeFlow(browser, rp, { prompt: 'login' })
    t.is(signInPages.length, 1, 'the sign-in page was shown although the browser was signed in')
    t.true(signInPages[0].includes('Sign in again to continue to Relying party'), 'and it says why')

    const sessions = await sessionsOf(server, rp.email)
    t.is(sessions.length, 2, 'the new authentication opened a new Heimdall session')
    const fresh = sessions.find((session) => session.id !== earlier.id)!
    t.is(claims.auth_time, seconds(fresh.created_at), 'auth_time is when the user signed in again')
    t.true(claims.auth_time! >= seconds(earlier.created_at) + 2)
    t.deepEqual(await grantSessionOf(server, rp.clientId), [fresh.id])

    // The tokens belong to the new sign-in: ending the earlier one leaves them, ending the new one ends them.
    await revokeSession(server.context, { sessionId: earlier.id, reason: 'admin' })
    t.is(await userinfoStatus(rp, tokens.access_token), 200)
    await revokeSession(server.context, { sessionId: fresh.id, reason: 'admin' })
    t.is(await userinfoStatus(rp, tokens.access_token), 401)
  })

  test(`prompt=login for a client that already has a grant: the new authorization's grant is the new session's; the earlier one stays with the earlier session [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server)
    const first = await signInOverHttp(rp)
    t.truthy(first.tokens.refresh_token)
    const [earlier] = await sessionsOf(server, rp.email)
    t.deepEqual(await grantSessionOf(server, rp.clientId), [earlier.id])
    await pastEarlierAuthTime(earlier.created_at)

    const { tokens, signInPages, claims } = await codeFlow(first.browser, rp, { prompt: 'login' })
    t.is(signInPages.length, 1, 'the provider sign-in does not stand in for a new authentication either')
    const fresh = (await sessionsOf(server, rp.email)).find((session) => session.id !== earlier.id)!
    t.truthy(fresh)
    t.is(claims.auth_time, seconds(fresh.created_at))
    t.deepEqual((await grantSessionOf(server, rp.clientId)).sort(), [earlier.id, fresh.id].sort(), 'a grant in each session')
    await revokeSession(server.context, { sessionId: fresh.id, reason: 'admin' })
    t.is(await userinfoStatus(rp, tokens.access_token), 401, 'the new authorization ends with the session that authenticated again')
    const refreshed = await oidc.refreshTokenGrant(rp.config, first.tokens.refresh_token!)
    t.truthy(refreshed.access_token, 'the earlier authorization lives as long as its own session')
    await revokeSession(server.context, { sessionId: earlier.id, reason: 'admin' })
    t.is(await oauthError(oidc.refreshTokenGrant(rp.config, refreshed.refresh_token!)), 'invalid_grant')
  })

  test(`max_age: a sign-in younger than max_age goes on with its real auth_time; an older one is asked to authenticate again [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const { rp, browser, earlier } = await signedInAtAccountPage(t, server)

    const young = await codeFlow(browser, rp, { max_age: '600' })
    t.is(young.signInPages.length, 0, 'within max_age: no sign-in page')
    t.is(young.claims.auth_time, seconds(earlier.created_at), 'auth_time is when the user signed in, not when the client asked')

    const old = await codeFlow(browser, rp, { max_age: '1' })
    t.is(old.signInPages.length, 1, 'older than max_age: asked to sign in again')
    t.true(old.signInPages[0].includes('Sign in again to continue to Relying party'))
    const fresh = (await sessionsOf(server, rp.email)).find((session) => session.id !== earlier.id)!
    t.is(old.claims.auth_time, seconds(fresh.created_at))
  })

  test(`prompt=login, and another user signs in: the earlier one is signed out of the browser (its session and grant end), the code is the new user's [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server)
    const first = await signInOverHttp(rp)
    const [earlier] = await sessionsOf(server, rp.email)
    const otherEmail = uniqueEmail('other')
    const other = await registerUser(server.context, { email: otherEmail, password: TEST_PASSWORD })
    await pastEarlierAuthTime(earlier.created_at)

    const request = await authorization(rp, { prompt: 'login' })
    const returned = await authorizeOverHttp(first.browser, request.url, { email: otherEmail }, { redirectUri: rp.redirectUri })
    const tokens = await oidc.authorizationCodeGrant(rp.config, returned, { pkceCodeVerifier: request.verifier, expectedState: request.state })
    t.is(tokens.claims()!.sub, other.userId)
    t.is((await sessionsOf(server, rp.email)).find((session) => session.id === earlier.id)!.revoked_reason, 'logout')
    t.is(await userinfoStatus(rp, first.tokens.access_token), 401)
    t.is(await userinfoStatus(rp, tokens.access_token), 200)
    const account = await first.browser.follow(`${server.url}/account`)
    t.true((await account.response.text()).includes(otherEmail), 'the browser stays signed in as the new user')
  })

  test(`prompt=none: without a sign-in, or with one older than max_age, the client gets login_required [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server)
    const errorOf = async (browser: FormBrowser, extra: Record<string, string>) => {
      const answer = await browser.request((await authorization(rp, { prompt: 'none', ...extra })).url.href)
      const location = new URL(answer.headers.get('location') ?? 'about:blank')
      t.true(location.href.startsWith(rp.redirectUri), location.href)
      return location.searchParams.get('error')
    }
    t.is(await errorOf(new FormBrowser(), {}), 'login_required')

    const { browser } = await signInOverHttp(rp, { scope: 'openid email' })
    const [signedIn] = await sessionsOf(server, rp.email)
    t.is(await errorOf(browser, {}), null, 'signed in: a code, no page')
    await pastEarlierAuthTime(signedIn.created_at)
    t.is(await errorOf(browser, { max_age: '1' }), 'login_required')
  })
}
