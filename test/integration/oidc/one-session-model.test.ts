// One session model: what ends the Heimdall session behind an OpenID Connect sign-in ends the grants
// made in it (a password reset, refresh-token reuse at /auth/refresh), and OIDC refresh-token reuse,
// evidence that a refresh token was stolen, ends the grant and the Heimdall session too. openid-client
// is the relying party; the sign-in goes through the hosted pages over HTTP. One SMTP server, and one
// Heimdall per backend, for the file.
import test from 'ava'
import * as oidc from 'openid-client'
import { openAccountSession } from '../../../src/usecases/account/account-session.js'
import { login } from '../../../src/usecases/commands/login.js'
import { ACCOUNT_COOKIE } from '../../../src/http/pages/account/cookie.js'
import { backends } from '../../aux/db.js'
import { linkMail, SUBJECTS } from '../../aux/mail-links.js'
import { oauthError, startOidcServer } from '../../aux/oidc.js'
import { authorizationRequest, FormBrowser, relyingParty, signInOverHttp, type RelyingParty } from '../../aux/oidc-http-sign-in.js'
import { TEST_PASSWORD, type TestServer } from '../../aux/server.js'
import { startSmtpServer, type TestSmtpServer } from '../../aux/smtp.js'

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

/** The userinfo endpoint's status for an access token (200, or 401 once the grant is dead). */
async function userinfoStatus(rp: RelyingParty, accessToken: string): Promise<number> {
  const response = await fetch(rp.config.serverMetadata().userinfo_endpoint!, { headers: { authorization: `Bearer ${accessToken}` } })
  return response.status
}

/** Whether the next authorization in `browser` asks the user to sign in again (the provider's sign-in ended too). */
async function asksToSignIn(rp: RelyingParty, browser: FormBrowser): Promise<boolean> {
  const { response, url } = await browser.follow((await authorizationRequest(rp)).url.href)
  return new URL(url).pathname === '/account/login' && (await response.text()).includes('name="password"')
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
}
