// The provider re-saves its sign-in (Session) with a fresh 14-day TTL on every request that reads it,
// while the HeimdallLogin row tying it to its Heimdall session keeps the expiry of the sign-in step.
// Once that row expired and was swept, the sign-in was taken as live: the browser stayed signed in
// through the provider after its Heimdall session was revoked, and its new grants had no session.
import test from 'ava'
import * as oidc from 'openid-client'
import { revokeSession } from '../../../src/usecases/sessions/revoke-session.js'
import { sweepExpiredOidcPayloads } from '../../../src/infra/oidc/payload-sweep.js'
import { backends } from '../../support/db.js'
import { startOidcServer, type OidcServer } from '../../support/oidc.js'
import { authorizationRequest, authorizeOverHttp, relyingParty, signInOverHttp, userinfoStatus } from '../../support/oidc-http-sign-in.js'

const servers = new Map<string, OidcServer>()
test.before(async () => {
  for (const backend of backends()) servers.set(backend, await startOidcServer(backend))
})
test.after.always(async () => {
  for (const server of servers.values()) await server.close()
})

for (const backend of backends()) {
  test(`a provider sign-in kept alive past its HeimdallLogin link does not outlive a revoked Heimdall session [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const { db } = server.context
    const rp = await relyingParty(server)
    const first = await signInOverHttp(rp, { scope: 'openid email' })
    const link = await db('oidc_payloads').where({ kind: 'HeimdallLogin' }).where('id', 'like', `${first.sub}.%`).first()
    t.truthy(link, 'the sign-in is linked to its Heimdall session')

    // The user keeps using the application: each authorization re-saves the provider session with a fresh TTL.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    await signInOverHttp(rp, { scope: 'openid email', browser: first.browser })
    const sessionRows = await db('oidc_payloads').where({ kind: 'Session' }).select('payload', 'expires_at')
    const providerSession = sessionRows.find((row) => JSON.parse(row.payload).accountId === first.sub)!
    const linkNow = await db('oidc_payloads').where({ kind: 'HeimdallLogin', id: link.id }).first()
    t.true(Number(providerSession.expires_at) - Number(linkNow.expires_at) >= 1000, 'the provider session now outlives the link to its Heimdall session')

    // 14 days of such use later the link has expired and been swept, while the provider session lives on.
    await db('oidc_payloads').where({ kind: 'HeimdallLogin', id: link.id }).update({ expires_at: Date.now() - 1 })
    await sweepExpiredOidcPayloads(db, Date.now())
    // The Heimdall session is revoked (the user signed out everywhere; an operator's session:revoke).
    const [session] = (await server.context.sessions.findSessionsByUserId(first.sub)).filter((row) => row.revoked_at === null)
    await revokeSession(server.context, { sessionId: session.id, reason: 'admin' })
    t.is(await userinfoStatus(rp, first.tokens.access_token), 401, "the grant linked to the session ends")

    // The same browser asks again: it must be asked to sign in.
    let askedToSignIn = false
    const request = await authorizationRequest(rp, 'openid email')
    try {
      const returned = await authorizeOverHttp(first.browser, request.url, { email: rp.email }, {
        redirectUri: rp.redirectUri,
        onSignInPage: () => {
          askedToSignIn = true
          throw new Error('asked to sign in')
        },
      })
      const tokens = await oidc.authorizationCodeGrant(rp.config, returned, { pkceCodeVerifier: request.verifier, expectedState: request.state })
      t.log(`tokens issued after the revocation; userinfo answers ${await userinfoStatus(rp, tokens.access_token)}`)
    } catch (error) {
      if (!askedToSignIn) throw error
    }
    t.true(askedToSignIn, 'the browser whose Heimdall session was revoked is asked to sign in again')
  })
}
