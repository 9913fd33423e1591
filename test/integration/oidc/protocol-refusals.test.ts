// What the provider refuses once a code exists, driven by openid-client with the sign-in done over
// plain HTTP through the hosted pages: authorization code reuse (refused, and what the code issued
// is revoked), PKCE downgrades at the token endpoint, and open redirects through RP-initiated logout.
import test from 'ava'
import * as oidc from 'openid-client'
import { backends } from '../../support/db.js'
import { oauthError, startOidcServer } from '../../support/oidc.js'
import { authorizationRequest, authorizeOverHttp, formsOf, FormBrowser, relyingParty, signInOverHttp, type RelyingParty } from '../../support/oidc-http-sign-in.js'
import type { TestServer } from '../../support/server.js'

type OidcServer = TestServer & { issuer: string }
const servers = new Map<string, OidcServer>()
const SIGNED_OUT = 'https://rp.example.com/signed-out'

test.before(async () => {
  for (const backend of backends()) servers.set(backend, await startOidcServer(backend))
})
test.after.always(async () => {
  for (const server of servers.values()) await server.close()
})

/** The code of an authorization through the hosted sign-in, with or without a PKCE challenge. */
async function codeFor(rp: RelyingParty, options: { pkce: boolean }) {
  const request = await authorizationRequest(rp)
  if (!options.pkce) {
    request.url.searchParams.delete('code_challenge')
    request.url.searchParams.delete('code_challenge_method')
  }
  const returned = await authorizeOverHttp(new FormBrowser(), request.url, { email: rp.email }, { redirectUri: rp.redirectUri })
  return { ...request, returned }
}

/** A code exchange sent by hand, so that code_verifier can be left out or wrong; answers status and body. */
async function exchange(rp: RelyingParty, code: string, codeVerifier: string | undefined) {
  const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: rp.redirectUri, client_id: rp.clientId })
  if (codeVerifier !== undefined) body.set('code_verifier', codeVerifier)
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' }
  if (rp.clientSecret) headers.authorization = `Basic ${Buffer.from(`${rp.clientId}:${rp.clientSecret}`).toString('base64')}`
  const response = await fetch(rp.config.serverMetadata().token_endpoint!, { method: 'POST', headers, body })
  return { status: response.status, body: (await response.json()) as { error?: string; access_token?: string } }
}

for (const backend of backends()) {
  test(`authorization code reuse: invalid_grant, and the access and refresh tokens already issued from that code are revoked [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server)
    const { request, returned, tokens, sub } = await signInOverHttp(rp)
    t.truthy(tokens.refresh_token)
    t.like(await oidc.tokenIntrospection(rp.config, tokens.access_token), { active: true, sub })

    const reuse = () => oidc.authorizationCodeGrant(rp.config, returned, { pkceCodeVerifier: request.verifier, expectedState: request.state })
    t.is(await oauthError(reuse()), 'invalid_grant')
    t.like(await oidc.tokenIntrospection(rp.config, tokens.access_token), { active: false })
    t.like(await oidc.tokenIntrospection(rp.config, tokens.refresh_token!), { active: false })
    t.is(await oauthError(oidc.refreshTokenGrant(rp.config, tokens.refresh_token!)), 'invalid_grant')
    t.not(await oauthError(oidc.fetchUserInfo(rp.config, tokens.access_token, sub)), undefined)
    t.is(await oauthError(reuse()), 'invalid_grant', 'and the code stays refused')
  })

  test(`authorization code reuse in a race: of concurrent exchanges of one code at most one gets tokens, and those are revoked too [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server)
    const { returned, verifier } = await codeFor(rp, { pkce: true })
    const code = returned.searchParams.get('code')!
    const results = await Promise.all(Array.from({ length: 6 }, () => exchange(rp, code, verifier)))
    const issued = results.filter((result) => result.status === 200)
    t.true(issued.length <= 1, `${issued.length} of the concurrent exchanges got tokens`)
    for (const refused of results.filter((result) => result.status !== 200)) t.like(refused, { status: 400, body: { error: 'invalid_grant' } })
    for (const { body } of issued) t.like(await oidc.tokenIntrospection(rp.config, body.access_token!), { active: false })
  })

  test(`PKCE downgrade: a code bound to an S256 challenge is refused without code_verifier, with a wrong one or with the challenge itself [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    for (const isPublic of [true, false]) {
      const rp = await relyingParty(server, { isPublic })
      const { returned, verifier, url } = await codeFor(rp, { pkce: true })
      const code = returned.searchParams.get('code')!
      const challenge = url.searchParams.get('code_challenge')!
      for (const attempt of [undefined, oidc.randomPKCECodeVerifier(), challenge, `${verifier.slice(0, -1)}${verifier.endsWith('A') ? 'B' : 'A'}`]) {
        const refused = await exchange(rp, code, attempt)
        t.is(refused.status, 400, `${isPublic ? 'public' : 'confidential'} client, code_verifier ${attempt}`)
        t.is(refused.body.error, 'invalid_grant')
      }
      // A failed guess does not burn the code: whoever holds the verifier still redeems it.
      const redeemed = await exchange(rp, code, verifier)
      t.is(redeemed.status, 200)
      t.truthy(redeemed.body.access_token)
    }
  })

  test(`PKCE downgrade the other way (RFC 9700 section 2.1.1): a code issued without a challenge is refused when the exchange sends a code_verifier [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server, { isPublic: false })
    const { returned } = await codeFor(rp, { pkce: false })
    const refused = await exchange(rp, returned.searchParams.get('code')!, oidc.randomPKCECodeVerifier())
    t.is(refused.status, 400)
    t.is(refused.body.error, 'invalid_grant')
  })

  test(`RP-initiated logout never redirects to an address that is not exactly a registered post_logout_redirect_uri [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server, { postLogoutRedirectUris: [SIGNED_OUT] })
    const { browser, tokens } = await signInOverHttp(rp)
    const attempts = [
      'https://evil.example.com/signed-out',
      'https://evil.example.com/',
      'https://rp.example.com.evil.example.com/signed-out',
      'https://rp.example.com@evil.example.com/signed-out',
      `${SIGNED_OUT}/extra`,
      `${SIGNED_OUT}/../evil`,
      `${SIGNED_OUT}?next=https://evil.example.com`,
      `${SIGNED_OUT}#https://evil.example.com`,
      'https://rp.example.com/',
      '//evil.example.com/signed-out',
    ]
    for (const postLogoutRedirectUri of attempts) {
      for (const client of [{ id_token_hint: tokens.id_token! }, { client_id: rp.clientId }] as Array<Record<string, string>>) {
        const url = oidc.buildEndSessionUrl(rp.config, { ...client, post_logout_redirect_uri: postLogoutRedirectUri, state: 'st' })
        const refused = await browser.request(url.href)
        const what = `${postLogoutRedirectUri} with ${Object.keys(client)[0]}`
        t.is(refused.status, 400, what)
        t.is(refused.headers.get('location'), null, what)
        t.regex(await refused.text(), /post_logout_redirect_uri not registered/, what)
      }
    }

    // Without id_token_hint or client_id nothing says whose address it is: it is ignored (RP-Initiated
    // Logout 1.0 section 3), and the logout ends on the provider's own page.
    const stranger = new FormBrowser()
    const anonymous = await stranger.request(`${server.issuer}/session/end?post_logout_redirect_uri=${encodeURIComponent('https://evil.example.com/')}`)
    t.is(anonymous.status, 200)
    const [confirm] = formsOf(await anonymous.text())
    const done = await stranger.request(new URL(confirm.action, server.issuer).href, { form: confirm.fields })
    t.is(done.status, 303)
    t.false(done.headers.get('location')!.includes('evil'))

    // The registered address, exactly: the confirmation page, then the redirect with state.
    const page = await browser.request(oidc.buildEndSessionUrl(rp.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: SIGNED_OUT, state: 'st' }).href)
    t.is(page.status, 200)
    const [logoutForm] = formsOf(await page.text())
    const signedOut = await browser.request(new URL(logoutForm.action, server.issuer).href, { form: { ...logoutForm.fields, logout: 'yes' } })
    t.is(signedOut.status, 303)
    t.is(signedOut.headers.get('location'), `${SIGNED_OUT}?state=st`)
  })
}
