import test from 'ava'
import * as oidc from 'openid-client'
import { createClient } from '../../../src/usecases/oidc/create-client.js'
import { backends } from '../../support/db.js'
import { oauthError, startOidcServer } from '../../support/oidc.js'
import { authorizationRequest, authorizeOverHttp, FormBrowser, relyingParty, type RelyingParty } from '../../support/oidc-http-sign-in.js'
import { freePort, startTestServer, type TestServer } from '../../support/server.js'

const pairs = new Map<string, [TestServer & { issuer: string }, TestServer]>()

test.before(async () => {
  for (const backend of backends()) {
    const first = await startOidcServer(backend)
    // A second instance on the same database, public URL and data keys (which seal the signing key), as behind a load balancer.
    const second = await startTestServer(backend, {
      port: await freePort(),
      env: {
        HEIMDALL_OIDC_ENABLED: 'true',
        HEIMDALL_PUBLIC_URL: first.issuer.replace(/\/oidc$/, ''),
        HEIMDALL_DATABASE_URL: first.database.url,
        HEIMDALL_DATA_KEY_FILE: first.env.HEIMDALL_DATA_KEY_FILE,
      },
    })
    pairs.set(backend, [first, second])
  }
})
test.after.always(async () => {
  for (const [first, second] of pairs.values()) {
    await second.close()
    await first.close()
  }
})

function oauthPost(url: string, path: string, auth: string, fields: Record<string, string>): Promise<Response> {
  return fetch(`${url}/oidc${path}`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  })
}

/** The relying party's configuration with its token and userinfo requests sent to another instance (same issuer). */
function sendingTo(rp: RelyingParty, url: string): oidc.Configuration {
  const metadata = JSON.parse(JSON.stringify(rp.config.serverMetadata())) as oidc.ServerMetadata
  const config = new oidc.Configuration({ ...metadata, token_endpoint: `${url}/oidc/token`, userinfo_endpoint: `${url}/oidc/me` }, rp.clientId, rp.clientSecret)
  oidc.allowInsecureRequests(config)
  return config
}

for (const backend of backends()) {
  test(`a code flow across two instances: authorization and sign-in at one, code exchange at the other, refresh at the first, userinfo at the second [${backend}]`, async (t) => {
    const [first, second] = pairs.get(backend)!
    const rp = await relyingParty(first)
    const atSecond = sendingTo(rp, second.url)
    const request = await authorizationRequest(rp)
    const returned = await authorizeOverHttp(new FormBrowser(), request.url, { email: rp.email }, { redirectUri: rp.redirectUri })

    const tokens = await oidc.authorizationCodeGrant(atSecond, returned, { pkceCodeVerifier: request.verifier, expectedState: request.state })
    const sub = tokens.claims()!.sub
    t.is(tokens.claims()!.iss, first.issuer)
    const refreshed = await oidc.refreshTokenGrant(rp.config, tokens.refresh_token!)
    t.like(await oidc.fetchUserInfo(atSecond, refreshed.access_token, sub), { sub, email: rp.email })

    // The rotated-out token presented at the other instance is reuse there too: the grant ends everywhere.
    t.is(await oauthError(oidc.refreshTokenGrant(atSecond, tokens.refresh_token!)), 'invalid_grant')
    t.not(await oauthError(oidc.fetchUserInfo(rp.config, refreshed.access_token, sub)), undefined)
    const [session] = await first.context.sessions.findSessionsByUserId(sub)
    t.is(session.revoked_reason, 'oidc_refresh_token_reuse')
  })

  test(`two instances on one database share the provider's state: a token issued by one is introspected and revoked at the other [${backend}]`, async (t) => {
    const [first, second] = pairs.get(backend)!
    const { clientId, clientSecret } = await createClient(first.context, { name: 'job', redirectUris: [], postLogoutRedirectUris: [], grants: ['client_credentials'], scopes: ['user:read'], isPublic: false, firstParty: true })
    const auth = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`

    const issued = (await (await oauthPost(first.url, '/token', auth, { grant_type: 'client_credentials', scope: 'user:read' })).json()) as { access_token: string }
    t.truthy(issued.access_token)
    t.like(await (await oauthPost(second.url, '/token/introspection', auth, { token: issued.access_token })).json(), { active: true, client_id: clientId })

    t.is((await oauthPost(second.url, '/token/revocation', auth, { token: issued.access_token })).status, 200)
    t.like(await (await oauthPost(first.url, '/token/introspection', auth, { token: issued.access_token })).json(), { active: false })

    const fromSecond = (await (await oauthPost(second.url, '/token', auth, { grant_type: 'client_credentials', scope: 'user:read' })).json()) as { access_token: string }
    t.like(await (await oauthPost(first.url, '/token/introspection', auth, { token: fromSecond.access_token })).json(), { active: true, scope: 'user:read' })
  })
}
