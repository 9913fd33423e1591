// Consent is remembered per user, client and scope across sign-ins: after signing out and in again (a
// new Heimdall session, a new provider session), a third-party client gets the scopes it was allowed
// without the consent page, asks only for a scope never allowed, and the account page lists and
// revokes the remembered consent. The sign-in goes through the hosted pages over HTTP, without script.
import test from 'ava'
import * as oidc from 'openid-client'
import { backends } from '../../support/db.js'
import { type OidcServer, oidcServersForFile } from '../../support/oidc.js'
import { authorizationRequest, FormBrowser, formsOf, relyingParty, signInOverHttp, signOutOfAccount, type RelyingParty } from '../../support/oidc-http-sign-in.js'

const servers = oidcServersForFile()

/** The scopes a consent page asks for, in its words. */
function askedFor(html: string): string[] {
  const list = /<ul class="scopes">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? ''
  return [...list.matchAll(/<li>([^<]*)<\/li>/g)].map(([, scope]) => scope)
}

/** A sign-in (through `browser`, a new one by default) that records every consent page it was shown. */
async function signIn(rp: RelyingParty, scope: string, browser = new FormBrowser()) {
  const consentPages: string[][] = []
  const signedIn = await signInOverHttp(rp, { scope, browser, onConsent: (html) => consentPages.push(askedFor(html)) })
  return { ...signedIn, consentPages }
}

/** The applications the account page lists: the client (from its revoke button) and what it may do. */
async function applicationsListed(browser: FormBrowser, server: OidcServer): Promise<Array<{ clientId: string; scopes: string[] }>> {
  const html = await (await browser.request(`${server.url}/account`)).text()
  const section = /<ul class="applications[^"]*">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? ''
  return [...section.matchAll(/<ul class="scopes">([\s\S]*?)<\/ul>[\s\S]*?name="client_id" value="([^"]*)"/g)].map(([, scopes, clientId]) => ({
    clientId,
    scopes: [...scopes.matchAll(/<li>([^<]*)<\/li>/g)].map(([, scope]) => scope),
  }))
}

for (const backend of backends()) {
  test(`consent is remembered across sign-ins: signed out and in again, no consent page for scopes already allowed; a new scope asks for that scope only [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server, { firstParty: false })
    const first = await signIn(rp, 'openid email')
    t.deepEqual(first.consentPages, [['Know who you are (your user id)', 'See your email address']])

    // Signed out of Heimdall (the session ends), then in again in the same browser: no consent page.
    t.is(await signOutOfAccount(first.browser, server.url), 303)
    const again = await signIn(rp, 'openid email', first.browser)
    t.deepEqual(again.consentPages, [], 'the scopes already allowed are not asked for again')
    t.not(again.sub, undefined)
    t.like(await oidc.fetchUserInfo(rp.config, again.tokens.access_token, again.sub), { sub: first.sub, email: rp.email })
    const sessions = await server.context.sessions.findSessionsByUserId(first.sub)
    t.is(sessions.filter((session) => session.revoked_at === null).length, 1, 'a new Heimdall session, the first one ended')

    // Another browser (a new provider session, a new Heimdall session): the same.
    t.deepEqual((await signIn(rp, 'openid email')).consentPages, [])

    // A scope never allowed: the page asks for it, and only for it.
    const more = await signIn(rp, 'openid email roles', again.browser)
    t.deepEqual(more.consentPages, [['See your roles and permissions']])
    const claims = await oidc.fetchUserInfo(rp.config, more.tokens.access_token, more.sub)
    t.like(claims, { email: rp.email })
    t.deepEqual(claims.roles, ['user'])
    t.deepEqual((await signIn(rp, 'openid email roles')).consentPages, [], 'and once allowed, it is remembered too')

    const [granted] = await server.context.audit.findAuditEvents({ type: 'consent.granted', userId: first.sub, limit: 1 })
    t.like(JSON.parse(granted.detail ?? '{}'), { client_id: rp.clientId, scope: 'roles' })
    t.is(granted.event_type, 'consent.granted')
    t.like(JSON.parse(granted.payload ?? '{}'), { user_id: first.sub, client_id: rp.clientId, scope: 'roles' })
  })

  test(`prompt=consent asks again, about everything the client asks for, though it was allowed before [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server, { firstParty: false })
    const first = await signIn(rp, 'openid email')
    t.is(first.consentPages.length, 1)
    // offline_access comes with prompt=consent (authorizationRequest adds it).
    const asked = await signIn(rp, 'openid email offline_access', first.browser)
    t.deepEqual(asked.consentPages, [['Stay signed in when you are away (a refresh token)']])
    const again = await signIn(rp, 'openid email offline_access', first.browser)
    t.deepEqual(again.consentPages, [['Know who you are (your user id)', 'See your email address', 'Stay signed in when you are away (a refresh token)']])
    t.truthy(again.tokens.refresh_token)
  })

  test(`the account page lists the remembered consent after its sign-in ended; "Revoke access" forgets it, and the next sign-in asks again [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server, { firstParty: false })
    const first = await signIn(rp, 'openid email roles')
    t.is(await signOutOfAccount(first.browser, server.url), 303)
    // Signed in to the account page alone, in another browser: no grant is live, the consent is listed.
    const browser = new FormBrowser()
    const other = await relyingParty(server, { email: rp.email, firstParty: false })
    t.deepEqual((await signIn(other, 'openid', browser)).consentPages, [['Know who you are (your user id)']])
    t.deepEqual(await applicationsListed(browser, server), [
      { clientId: other.clientId, scopes: ['Know who you are (your user id)'] },
      { clientId: rp.clientId, scopes: ['See your email address', 'Know who you are (your user id)', 'See your roles and permissions'] },
    ])
    const live = await server.context.oidcGrants.findLiveGrantsByUserId(first.sub, Date.now())
    t.false(
      live.some((grant) => grant.client_id === rp.clientId),
      'no live grant of the first client: listed from the remembered consent',
    )

    const page = await (await browser.request(`${server.url}/account`)).text()
    const revoke = formsOf(page).find((form) => form.action === '/account/applications/revoke' && form.fields.client_id === rp.clientId)!
    const revoked = await browser.request(`${server.url}${revoke.action}`, { form: revoke.fields })
    t.is(revoked.status, 303)
    t.is(await server.context.oidcConsents.findConsent(first.sub, rp.clientId), undefined)
    t.deepEqual(await applicationsListed(browser, server), [{ clientId: other.clientId, scopes: ['Know who you are (your user id)'] }], 'the other client stays')
    t.deepEqual((await signIn(rp, 'openid email', browser)).consentPages, [['Know who you are (your user id)', 'See your email address']], 'asked again')
  })

  test(`"Revoke access" ends the grants and tokens of every sign-in and the remembered consent; another user cannot revoke it [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server, { firstParty: false })
    const first = await signIn(rp, 'openid email offline_access')
    t.is(await signOutOfAccount(first.browser, server.url), 303)
    const second = await signIn(rp, 'openid email offline_access')
    t.truthy(second.tokens.refresh_token)
    const page = await (await second.browser.request(`${server.url}/account`)).text()
    const revoke = formsOf(page).find((form) => form.action === '/account/applications/revoke' && form.fields.client_id === rp.clientId)!

    const intruder = await relyingParty(server, { firstParty: false })
    const intruderBrowser = (await signIn(intruder, 'openid')).browser
    const intruderPage = await (await intruderBrowser.request(`${server.url}/account`)).text()
    const intruderForm = formsOf(intruderPage).find((form) => form.action === '/account/applications/revoke')!
    const refused = await intruderBrowser.request(`${server.url}${intruderForm.action}`, { form: { ...intruderForm.fields, client_id: rp.clientId } })
    t.is(refused.status, 404)
    t.truthy(await server.context.oidcConsents.findConsent(first.sub, rp.clientId), 'still remembered')

    t.is((await second.browser.request(`${server.url}${revoke.action}`, { form: revoke.fields })).status, 303)
    t.is(await server.context.oidcConsents.findConsent(first.sub, rp.clientId), undefined)
    const left = await server.context.db('oidc_payloads').where({ client_id: rp.clientId }).whereIn('kind', ['Grant', 'AccessToken', 'RefreshToken', 'AuthorizationCode'])
    t.deepEqual(left, [])
    const refresh = await fetch(rp.config.serverMetadata().token_endpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${rp.clientId}:${rp.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: second.tokens.refresh_token! }),
    })
    t.like(await refresh.json(), { error: 'invalid_grant' })
    // The browser still signed in: the next authorization asks for consent again.
    const request = await authorizationRequest(rp, 'openid email')
    const { url } = await second.browser.follow(request.url.href)
    t.regex(url, /\/account\/oidc\?uid=/)
  })

  test(`deleting the client forgets its consents [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const rp = await relyingParty(server, { firstParty: false })
    const { sub } = await signIn(rp, 'openid email')
    t.truthy(await server.context.oidcConsents.findConsent(sub, rp.clientId))
    await server.context.oauthClients.deleteOAuthClientById(rp.clientId)
    t.is(await server.context.oidcConsents.findConsent(sub, rp.clientId), undefined)
  })
}
