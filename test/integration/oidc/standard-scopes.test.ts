// The scopes relying parties ask for as they come: mod_auth_openidc's `openid email profile
// offline_access` (no prompt=consent), express-openid-connect's offline_access without prompt=consent,
// and scopes Heimdall does not serve (`phone`) that an authorization drops. The sign-in and the first
// refresh, which repeats the original request's scope, must both work. openid-client is the relying
// party; the sign-in goes through the hosted pages over HTTP. One Heimdall per backend for the file.
import test from 'ava'
import * as oidc from 'openid-client'
import { revokeSession } from '../../../src/usecases/sessions/revoke-session.js'
import { backends } from '../../support/db.js'
import { oauthError, oidcServersForFile, type OidcServer } from '../../support/oidc.js'
import { authorizeOverHttp, FormBrowser, relyingParty, signInOverHttp, type RelyingParty } from '../../support/oidc-http-sign-in.js'

const servers = oidcServersForFile()

/** A whole sign-in as the relying party sends it: `scope` and `prompt` exactly as given (no prompt=consent added). */
async function signInAsSent(rp: RelyingParty, scope: string, prompt?: string) {
  const verifier = oidc.randomPKCECodeVerifier()
  const state = oidc.randomState()
  const url = oidc.buildAuthorizationUrl(rp.config, {
    redirect_uri: rp.redirectUri,
    scope,
    ...(prompt ? { prompt } : {}),
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
  })
  const returned = await authorizeOverHttp(new FormBrowser(), url, { email: rp.email }, { redirectUri: rp.redirectUri })
  return oidc.authorizationCodeGrant(rp.config, returned, { pkceCodeVerifier: verifier, expectedState: state })
}

async function userOf(server: OidcServer, email: string) {
  return (await server.context.users.findUserByEmail(email))!
}

for (const backend of backends()) {
  test(`mod_auth_openidc's scope (openid email profile offline_access, no prompt) to a first-party client: a refresh token, the profile claims, and a refresh repeating the scope succeeds [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server, { firstParty: true })
    const scope = 'openid email profile offline_access'
    const tokens = await signInAsSent(rp, scope)
    t.truthy(tokens.refresh_token, 'offline_access granted to a first-party client without prompt=consent')
    t.deepEqual(tokens.scope?.split(' ').sort(), ['email', 'offline_access', 'openid', 'profile'])
    const user = await userOf(server, rp.email)
    const profile = { name: rp.email, preferred_username: rp.email, updated_at: Math.floor(Number(user.updated_at) / 1000) }
    t.like(tokens.claims(), { sub: user.id, email: rp.email, ...profile })
    t.like(await oidc.fetchUserInfo(rp.config, tokens.access_token, user.id), { sub: user.id, email: rp.email, ...profile })

    const refreshed = await oidc.refreshTokenGrant(rp.config, tokens.refresh_token!, { scope })
    t.deepEqual(refreshed.scope?.split(' ').sort(), ['email', 'offline_access', 'openid', 'profile'])
    t.like(await oidc.fetchUserInfo(rp.config, refreshed.access_token, user.id), profile)
    t.truthy((await oidc.refreshTokenGrant(rp.config, refreshed.refresh_token!)).access_token, 'and without a scope')
  })

  test(`a scope Heimdall does not serve (phone) is dropped at sign-in and again at the refresh that repeats it; a known scope never granted is still invalid_scope [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server, { firstParty: true })
    const scope = 'openid email phone offline_access'
    const tokens = await signInAsSent(rp, scope)
    t.deepEqual(tokens.scope?.split(' ').sort(), ['email', 'offline_access', 'openid'])
    const refreshed = await oidc.refreshTokenGrant(rp.config, tokens.refresh_token!, { scope })
    t.deepEqual(refreshed.scope?.split(' ').sort(), ['email', 'offline_access', 'openid'])
    t.is(await oauthError(oidc.refreshTokenGrant(rp.config, refreshed.refresh_token!, { scope: 'openid email roles' })), 'invalid_scope', 'roles was never granted')
  })

  test(`offline_access without prompt=consent: a first-party client gets a refresh token (consent implied), a third-party one only with prompt=consent [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const firstParty = await relyingParty(server, { firstParty: true })
    t.truthy((await signInAsSent(firstParty, 'openid offline_access')).refresh_token)
    t.truthy((await signInAsSent(firstParty, 'openid offline_access', 'login')).refresh_token, 'prompt=login keeps it too')
    const thirdParty = await relyingParty(server, { firstParty: false })
    t.is((await signInAsSent(thirdParty, 'openid offline_access')).refresh_token, undefined)
    t.truthy((await signInAsSent(thirdParty, 'openid offline_access', 'consent')).refresh_token)
  })
}

for (const backend of backends()) {
  test(`docs/oidc.md "Tokens at an API that is not the client": a third-party client's access token validates at /oidc/me (200 with sub, 401 once its session ended); another client's introspection answers active false [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server, { firstParty: false })
    const { tokens, sub } = await signInOverHttp(rp, { scope: 'openid email' })
    const atTheApi = () => fetch(`${server.issuer}/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } })
    const answered = await atTheApi()
    t.is(answered.status, 200)
    t.like(await answered.json(), { sub, email: rp.email })
    const api = await relyingParty(server, { email: rp.email })
    t.deepEqual(await oidc.tokenIntrospection(api.config, tokens.access_token), { active: false }, 'introspection answers only the client the token was issued to')

    const [session] = (await server.context.sessions.findSessionsByUserId(sub)).filter((candidate) => candidate.revoked_at === null)
    await revokeSession(server.context, { sessionId: session.id, reason: 'admin' })
    const refused = await atTheApi()
    t.is(refused.status, 401)
    t.like(await refused.json(), { error: 'invalid_token' })
  })
}
