// One session model: what ends the Heimdall session behind an OpenID Connect sign-in ends the grants
// made in it (a password reset, refresh-token reuse at /auth/refresh), and OIDC refresh-token reuse,
// evidence that a refresh token was stolen, ends the grant and the Heimdall session too. openid-client
// is the relying party; the sign-in goes through the hosted pages over HTTP. One SMTP server, and one
// Heimdall per backend, for the file.
import test from 'ava'
import * as oidc from 'openid-client'
import { openAccountSession } from '../../../src/usecases/sessions/account-session.js'
import { login } from '../../../src/usecases/sessions/login.js'
import { revokeSession } from '../../../src/usecases/sessions/revoke-session.js'
import { linkLoginToSession, sessionOfLogin } from '../../../src/usecases/oidc/session-link.js'
import { ACCOUNT_COOKIE } from '../../../src/http/pages/account/cookie.js'
import { backends } from '../../support/db.js'
import { linkMail, SUBJECTS } from '../../support/mail-links.js'
import { deviceFlowClient, oauthError, startOidcServer } from '../../support/oidc.js'
import { approveDeviceOverHttp, authorizationRequest, authorizeOverHttp, formsOf, FormBrowser, relyingParty, signInOverHttp, signOutOfAccount, userinfoStatus, type RelyingParty } from '../../support/oidc-http-sign-in.js'
import { TEST_PASSWORD, type TestServer } from '../../support/server.js'
import { startSmtpServer, type TestSmtpServer } from '../../support/smtp.js'

type OidcServer = TestServer & { issuer: string }
const servers = new Map<string, OidcServer>()
let smtp: TestSmtpServer

test.before(async () => {
  smtp = await startSmtpServer()
  for (const backend of backends()) servers.set(backend, await startOidcServer(backend, { HEIMDALL_SMTP_URL: smtp.url, HEIMDALL_MAIL_POLL_MS: '100' }))
})
test.after.always(async () => {
  for (const server of servers.values()) await server.close()
  await smtp?.close()
})

/** Whether the next authorization in `browser` asks the user to sign in again (the provider's sign-in ended too). */
async function asksToSignIn(rp: RelyingParty, browser: FormBrowser): Promise<boolean> {
  const { response, url } = await browser.follow((await authorizationRequest(rp)).url.href)
  return new URL(url).pathname === '/account/login' && (await response.text()).includes('name="password"')
}

/** The user's sessions that have not ended. */
async function liveSessionsOf(server: OidcServer, userId: string) {
  return (await server.context.sessions.findSessionsByUserId(userId)).filter((session) => session.revoked_at === null)
}

/** Ends the Heimdall session `browser` is signed in with: its own "Sign out", or an operator's session:revoke. */
async function endSession(server: OidcServer, browser: FormBrowser, userId: string, how: 'sign-out' | 'session:revoke'): Promise<string> {
  const [session] = await liveSessionsOf(server, userId)
  if (how === 'sign-out') await signOutOfAccount(browser, server.url)
  else await revokeSession(server.context, { sessionId: session.id, reason: 'admin' })
  return session.id
}

/** Signs `browser` in on the account page alone (as after a browser restart dropped its account cookie): a new Heimdall session. */
async function signInToAccount(server: OidcServer, browser: FormBrowser, email: string): Promise<void> {
  browser.setCookie(ACCOUNT_COOKIE, 'dropped')
  const form = formsOf(await (await browser.request(`${server.url}/account/login`)).text()).find((candidate) => 'password' in candidate.fields)!
  const signedIn = await browser.request(`${server.url}${form.action}`, { form: { ...form.fields, email, password: TEST_PASSWORD } })
  if (signedIn.status !== 303) throw new Error(`the account sign-in answered ${signedIn.status}`)
}

for (const backend of backends()) {
  test(`a password reset (POST /auth/password/reset) ends the OIDC grant: refresh is invalid_grant, userinfo 401 [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server)
    const { tokens } = await signInOverHttp(rp)
    t.is(await userinfoStatus(rp, tokens.access_token), 200)

    t.is((await server.client.post('auth/password/forgot', { email: rp.email })).statusCode, 202)
    const { token } = await linkMail(smtp, rp.email, SUBJECTS.reset)
    t.is((await server.client.post('auth/password/reset', { token, new_password: 'Brand-New-Pass-456' })).statusCode, 200)

    t.is(await oauthError(oidc.refreshTokenGrant(rp.config, tokens.refresh_token!)), 'invalid_grant')
    t.is(await userinfoStatus(rp, tokens.access_token), 401)
  })

  test(`refresh-token reuse at /auth/refresh ends the Heimdall session, and with it the grant made in it [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server)
    // One session for both doors: the account page's sign-in is a session with a Heimdall refresh token.
    const loggedIn = await login(server.context, { email: rp.email, password: TEST_PASSWORD })
    if (loggedIn.kind !== 'tokens') return t.fail(loggedIn.kind)
    const browser = new FormBrowser()
    browser.setCookie(ACCOUNT_COOKIE, await openAccountSession(server.context, loggedIn.tokens))
    const { tokens } = await signInOverHttp(rp, { browser })
    t.is((await server.context.sessions.findSessionsByUserId(loggedIn.tokens.userId)).length, 1, 'no second session was opened')
    t.is(await userinfoStatus(rp, tokens.access_token), 200)

    t.is((await server.client.refresh(loggedIn.tokens.refreshToken)).statusCode, 200)
    t.is((await server.client.refresh(loggedIn.tokens.refreshToken)).statusCode, 401, 'reuse')

    t.is(await oauthError(oidc.refreshTokenGrant(rp.config, tokens.refresh_token!)), 'invalid_grant')
    t.is(await userinfoStatus(rp, tokens.access_token), 401)
    t.true(await asksToSignIn(rp, browser))
  })

  test(`OIDC refresh-token reuse revokes the grant and ends the Heimdall session it was made in (and its other grants), audited [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server)
    const { browser, tokens, sub } = await signInOverHttp(rp)
    // Another application signed in through the same browser session.
    const other = await relyingParty(server, { email: rp.email })
    const otherTokens = (await signInOverHttp(other, { browser })).tokens
    t.is(await userinfoStatus(other, otherTokens.access_token), 200)

    const rotated = await oidc.refreshTokenGrant(rp.config, tokens.refresh_token!)
    t.is(await oauthError(oidc.refreshTokenGrant(rp.config, tokens.refresh_token!)), 'invalid_grant', 'the rotated-out token presented again')
    t.is(await oauthError(oidc.refreshTokenGrant(rp.config, rotated.refresh_token!)), 'invalid_grant', 'the grant is revoked: the newest token too')
    t.like(await oidc.tokenIntrospection(rp.config, rotated.access_token), { active: false })

    const [session] = await server.context.sessions.findSessionsByUserId(sub)
    t.not(session.revoked_at, null, 'the Heimdall session is ended')
    t.is(session.revoked_reason, 'oidc_refresh_token_reuse')
    const [event] = await server.context.audit.findAuditEvents({ type: 'oidc.refresh_token_reused', userId: sub, limit: 5 })
    t.like(event, { session_id: session.id })
    t.like(JSON.parse(event.detail ?? '{}'), { client_id: rp.clientId, session_revoked: true })
    t.is(await userinfoStatus(other, otherTokens.access_token), 401, "the session's other grants end with it")
    t.true(await asksToSignIn(rp, browser))
  })

  test(`OIDC refresh-token reuse in a race: of concurrent refreshes with one token at most one gets tokens; the grant and the session end [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server)
    const { tokens, sub } = await signInOverHttp(rp)
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => oidc.refreshTokenGrant(rp.config, tokens.refresh_token!)))
    const issued = results.filter((result) => result.status === 'fulfilled')
    t.true(issued.length <= 1, `${issued.length} of the concurrent refreshes got tokens`)
    for (const refused of results.filter((result) => result.status === 'rejected')) t.is(await oauthError(Promise.reject(refused.reason)), 'invalid_grant')
    for (const { value } of issued) {
      t.like(await oidc.tokenIntrospection(rp.config, value.access_token), { active: false })
      t.is(await oauthError(oidc.refreshTokenGrant(rp.config, value.refresh_token!)), 'invalid_grant')
    }
    const [session] = await server.context.sessions.findSessionsByUserId(sub)
    t.is(session.revoked_reason, 'oidc_refresh_token_reuse')
  })
  for (const firstParty of [true, false]) {
    for (const how of ['sign-out', 'session:revoke'] as const) {
      test(`a sign-in after the first one ended (${how}, ${firstParty ? 'first' : 'third'}-party): its grant is the NEW Heimdall session's; ending that session ends its refresh [${backend}]`, async (t) => {
        const server = servers.get(backend)!
        const rp = await relyingParty(server, { firstParty })
        const first = await signInOverHttp(rp)
        const ended = await endSession(server, first.browser, first.sub, how)
        // Signed in again in the same browser; a new Heimdall session.
        const second = await signInOverHttp(rp, { browser: first.browser })
        const [current] = await liveSessionsOf(server, first.sub)
        t.not(current.id, ended)
        // Another browser signs in too (no consent page for a third-party client: it was allowed before).
        const remembered = await signInOverHttp(rp, { browser: new FormBrowser(), scope: 'openid email' })
        const other = (await liveSessionsOf(server, first.sub)).find((session) => session.id !== current.id)!
        t.truthy(other)

        t.truthy((await oidc.refreshTokenGrant(rp.config, second.tokens.refresh_token!)).access_token)
        await revokeSession(server.context, { sessionId: current.id, reason: 'admin' })
        t.is(await oauthError(oidc.refreshTokenGrant(rp.config, second.tokens.refresh_token!)), 'invalid_grant')
        t.is(await userinfoStatus(rp, second.tokens.access_token), 401)
        t.is(await userinfoStatus(rp, remembered.tokens.access_token), 200, "another browser's sign-in is its own session's")
        await revokeSession(server.context, { sessionId: other.id, reason: 'admin' })
        t.is(await userinfoStatus(rp, remembered.tokens.access_token), 401)
      })
    }
  }

  test(`a new sign-in in the same provider session (prompt=login after signing in on the account page again): its tokens belong to the new Heimdall session, not to the earlier one still live [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    for (const firstParty of [true, false]) {
      const rp = await relyingParty(server, { firstParty })
      const first = await signInOverHttp(rp, { scope: 'openid email' })
      const [earlier] = await liveSessionsOf(server, first.sub)
      await signInToAccount(server, first.browser, rp.email)

      const request = await authorizationRequest(rp, 'openid email')
      request.url.searchParams.set('prompt', 'login')
      const returned = await authorizeOverHttp(first.browser, request.url, { email: rp.email }, { redirectUri: rp.redirectUri })
      const tokens = await oidc.authorizationCodeGrant(rp.config, returned, { pkceCodeVerifier: request.verifier, expectedState: request.state })
      const newer = (await liveSessionsOf(server, first.sub)).find((session) => session.id !== earlier.id)!
      t.truthy(newer)

      await revokeSession(server.context, { sessionId: earlier.id, reason: 'admin' })
      t.is(await userinfoStatus(rp, first.tokens.access_token), 401, 'the first sign-in ended with its session')
      t.is(await userinfoStatus(rp, tokens.access_token), 200, 'the new sign-in is not the earlier session\'s')
      await revokeSession(server.context, { sessionId: newer.id, reason: 'admin' })
      t.is(await userinfoStatus(rp, tokens.access_token), 401, `ending the new session ends what it gave (${firstParty ? 'first' : 'third'}-party)`)
    }
  })

  test(`the device flow: a device approved after the first sign-in ended is the NEW session's; ending that session ends its refresh [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const { email, clientId, config } = await deviceFlowClient(server, { name: 'TV', firstParty: false })
    const browser = new FormBrowser()
    const approve = async () => {
      const started = await oidc.initiateDeviceAuthorization(config, { scope: 'openid email offline_access' })
      const polled = oidc.pollDeviceAuthorizationGrant(config, started)
      await approveDeviceOverHttp(browser, started.verification_uri_complete!, { email })
      return polled
    }
    const first = await approve()
    const sub = first.claims()!.sub
    const ended = await endSession(server, browser, sub, 'sign-out')
    const second = await approve()
    const [current] = await liveSessionsOf(server, sub)
    t.not(current.id, ended)
    t.is(await oauthError(oidc.refreshTokenGrant(config, first.refresh_token!)), 'invalid_grant', 'the first ended with its session')
    await revokeSession(server.context, { sessionId: current.id, reason: 'admin' })
    t.is(await oauthError(oidc.refreshTokenGrant(config, second.refresh_token!)), 'invalid_grant')
  })

  for (const how of ['session:revoke', 'logout-all'] as const) {
    test(`after ${how}, the provider's introspection answers active false for the access and refresh tokens, as userinfo answers 401 [${backend}]`, async (t) => {
      const server = servers.get(backend)!
      const rp = await relyingParty(server)
      const { tokens, sub } = await signInOverHttp(rp)
      t.like(await oidc.tokenIntrospection(rp.config, tokens.access_token), { active: true, sub })
      t.like(await oidc.tokenIntrospection(rp.config, tokens.refresh_token!), { active: true, sub })

      if (how === 'session:revoke') {
        const [session] = await liveSessionsOf(server, sub)
        await revokeSession(server.context, { sessionId: session.id, reason: 'admin' })
      } else {
        // logout-all from another session of the same user ends every one of them.
        const { accessToken } = await server.client.loginTokens(rp.email, TEST_PASSWORD)
        t.is((await server.client.logoutAll(accessToken)).statusCode, 204)
      }

      t.is(await userinfoStatus(rp, tokens.access_token), 401)
      t.deepEqual(await oidc.tokenIntrospection(rp.config, tokens.access_token), { active: false })
      t.deepEqual(await oidc.tokenIntrospection(rp.config, tokens.refresh_token!), { active: false })
    })
  }

  test(`two sign-ins of one account in the same second each keep their own Heimdall session [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server)
    const one = await login(server.context, { email: rp.email, password: TEST_PASSWORD })
    const two = await login(server.context, { email: rp.email, password: TEST_PASSWORD })
    if (one.kind !== 'tokens' || two.kind !== 'tokens') return t.fail()
    const accountId = one.tokens.userId
    const now = Math.floor(Date.now() / 1000)
    const link = (sessionId: string) => linkLoginToSession(server.context, { accountId, loginTs: now, sessionId, ttlSeconds: 60 })
    t.is(await link(one.tokens.sessionId), now)
    t.is(await link(one.tokens.sessionId), now, 'the same session again keeps its time')
    const moved = await link(two.tokens.sessionId)
    t.is(moved, now - 1)
    t.is(await sessionOfLogin(server.context, { accountId, loginTs: now }), one.tokens.sessionId)
    t.is(await sessionOfLogin(server.context, { accountId, loginTs: moved }), two.tokens.sessionId)
  })
}
