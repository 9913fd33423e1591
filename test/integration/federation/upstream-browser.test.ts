// Sign-in with another identity provider on the hosted pages, in headless Chromium, against a real
// OpenID Connect provider (test/support/upstream-oidc.ts, whose interaction page signs in the account
// the x-upstream-account header names): the "Continue with" button, the callback, the link page, the
// account page's link and unlink, the second step after an upstream sign-in, a disabled user. One
// server per database, one browser for the file, a browser context (its own cookies) per test.
import test, { type ExecutionContext } from 'ava'
import { eachBackend } from '../../support/each-backend.js'
import type { Browser, Page } from 'playwright-core'
import { browserAvailable, contextWithAuthenticator, launchBrowser } from '../../support/browser.js'
import { eventually } from '../../support/eventually.js'
import { runCli } from '../../support/cli.js'
import { backends, type Backend } from '../../support/db.js'
import { enrolTotp, registerVerifiedAndLogin, totpCode } from '../../support/mfa.js'
import { discover, startOidcServer, startRelyingPartyCallback, type OidcServer, type RelyingPartyCallback } from '../../support/oidc.js'
import { TEST_PASSWORD, uniqueEmail } from '../../support/server.js'
import * as oidc from 'openid-client'
import { createClient } from '../../../src/usecases/oidc/create-client.js'
import { ACCOUNT_HEADER, DENY_HEADER, startUpstreamOidc, type UpstreamOidc } from '../../support/upstream-oidc.js'
import { signInWithIdentity } from '../../../src/usecases/federation/sign-in-with-identity.js'
import { setProviderEnabled } from '../../../src/usecases/federation/set-provider-enabled.js'
import { createProvider } from '../../../src/usecases/federation/create-provider.js'

if (browserAvailable('Sign-in with another identity provider')) {
  /** A backend's server and the upstream its providers point at, kept together. */
  interface Target {
    server: OidcServer
    origin: string
    upstream: UpstreamOidc
  }
  // Keyed by backend, never by the order the servers finished starting in: that order changes with
  // the machine's load (a clean clone builds the MariaDB and PostgreSQL templates first, in either
  // order), and a test that set its account on another backend's upstream got that upstream's
  // "no upstream account" (400) on every MariaDB and PostgreSQL flow, while passing alone.
  const targets = new Map<Backend, Target>()
  let browser: Browser
  let relyingParty: RelyingPartyCallback

  test.before(async () => {
    const started = backends().map(async (backend) => {
      // OpenID Connect on, for the relying party's test; on localhost, as every page test.
      const server = await startOidcServer(backend, {}, 'localhost')
      const origin = new URL(server.issuer).origin
      const upstream = await startUpstreamOidc({ redirectUris: ['corp', 'second', 'off'].map((name) => `${origin}/account/sign-in/${name}/callback`) })
      const settings = { issuer: upstream.issuer, clientId: upstream.clientId, clientSecret: upstream.clientSecret, trustEmail: true, trustMfa: false, autoLink: false, createAccounts: true }
      await createProvider(server.context, { name: 'corp', buttonLabel: 'Sign in with Corp SSO', ...settings })
      await createProvider(server.context, { name: 'second', ...settings })
      await createProvider(server.context, { name: 'off', ...settings })
      await setProviderEnabled(server.context, { name: 'off', enabled: false })
      targets.set(backend, { server, origin, upstream })
    })
    ;[browser, relyingParty] = await Promise.all([launchBrowser(), startRelyingPartyCallback(), ...started])
  })
  test.after.always(async () => {
    await browser?.close()
    relyingParty?.close()
    await Promise.all([...targets.values()].map((target) => Promise.all([target.server.close(), target.upstream.close()])))
  })

  const each = (title: string, run: (t: ExecutionContext, target: Target) => Promise<void>) => eachBackend(targets, title, run)
  let sequence = 0
  const uniqueSub = (label: string) => `${label}-${process.pid}-${++sequence}`

  /** A browser context whose requests name `sub` to the upstream's interaction page. */
  async function pageAs(sub: string, headers: Record<string, string> = {}): Promise<Page> {
    const context = await browser.newContext({ extraHTTPHeaders: { [ACCOUNT_HEADER]: sub, ...headers } })
    return context.newPage()
  }

  async function continueWith(page: Page, origin: string, label: string): Promise<void> {
    await page.goto(`${origin}/account/login`)
    await Promise.all([page.waitForLoadState('load'), page.waitForURL((url) => !url.pathname.endsWith('/login')), page.getByRole('link', { name: label }).click()])
  }

  each('a first sign-in creates the account and lands on /account; the second finds it', async (t, { server, origin, upstream }) => {
    const sub = uniqueSub('new')
    const email = uniqueEmail('fed-new')
    upstream.setAccount(sub, { email, emailVerified: true })
    const page = await pageAs(sub)
    try {
      await continueWith(page, origin, 'Sign in with Corp SSO')
      t.is(new URL(page.url()).pathname, '/account')
      t.true((await page.textContent('main'))!.includes(email))
      t.regex((await page.locator('.sessions').textContent())!, /another identity provider/)
      t.regex((await page.locator('.identities').textContent())!, /corp/)
      const users = await server.context.db('users').where({ email })
      t.is(users.length, 1)

      await page.context().clearCookies()
      await continueWith(page, origin, 'Sign in with Corp SSO')
      t.is(new URL(page.url()).pathname, '/account')
      t.is((await server.context.db('users').where({ email })).length, 1, 'the same account')
      const sessions = await server.context.db('sessions').where({ user_id: users[0].id })
      t.true(sessions.every((session: { amr: string }) => session.amr === 'fed'))

      // The session's tokens, as the sign-in seam got them: they validate, with amr ["fed"].
      const outcome = await signInWithIdentity(server.context, { userId: users[0].id, provider: 'corp', secondFactorSatisfiedUpstream: false })
      if (outcome.kind !== 'tokens') return t.fail(outcome.kind)
      const valid = await server.client.validate(outcome.tokens.accessToken)
      t.true(valid.body.is_valid)
      t.deepEqual(valid.body.amr, ['fed'])

      // user:disable ends the sessions opened through the provider, and the provider lets nobody in again.
      t.is((await runCli(['user:disable', email], { env: server.env, timeoutMs: 120_000 })).code, 0)
      await page.goto(`${origin}/account`)
      t.is(new URL(page.url()).pathname, '/account/login')
      t.not(await eventually(async () => (await server.client.validate(outcome.tokens.accessToken)).body.is_valid === false, 5000), undefined, 'its token stops validating')
      await continueWith(page, origin, 'Sign in with Corp SSO')
      t.regex((await page.textContent('main'))!, /disabled/)
    } finally {
      await page.context().close()
    }
  })

  each('an address an account has: a wrong password does not link, the right one and the code do; then the code is asked after the upstream', async (t, { server, origin, upstream }) => {
    const email = uniqueEmail('fed-link')
    const { accessToken } = await registerVerifiedAndLogin(server, email)
    const { secret } = await enrolTotp(server.client, accessToken)
    const sub = uniqueSub('link')
    upstream.setAccount(sub, { email, emailVerified: true })
    const page = await pageAs(sub)
    try {
      await continueWith(page, origin, 'Sign in with Corp SSO')
      t.is(new URL(page.url()).pathname, '/account/sign-in/link')
      t.is(await page.getByRole('button', { name: 'Cancel: do not link' }).getAttribute('class'), 'secondary', 'cancelling does not look like the main action')
      await page.getByLabel('Password of your account here').fill('wrong-password-123')
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: /Link corp/ }).click()])
      t.regex((await page.locator('#field-password-error, .field-errors').first().textContent())!, /Incorrect/)
      t.is((await server.context.db('user_identities').where({ subject: sub })).length, 0)

      await page.getByLabel('Password of your account here').fill(TEST_PASSWORD)
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: /Link corp/ }).click()])
      t.is(await page.locator('h1').textContent(), 'Second step')
      await page.getByLabel('Code from your authenticator app').fill(await totpCode(secret, 1))
      await Promise.all([page.waitForURL(/\/account$/), page.getByRole('button', { name: 'Verify code' }).click()])
      t.is((await server.context.db('user_identities').where({ subject: sub })).length, 1, 'linked once the account is proven')

      await page.context().clearCookies()
      await continueWith(page, origin, 'Sign in with Corp SSO')
      t.is(await page.locator('h1').textContent(), 'Second step', 'the account\'s own second factor, after the upstream')
    } finally {
      await page.context().close()
    }
  })

  /** Signs in with the password on the sign-in page (an account without a second factor), adds a passkey on the account page, and signs out. */
  async function addPasskey(page: Page, origin: string, email: string, name: string): Promise<void> {
    await page.goto(`${origin}/account/login`)
    await page.getByLabel('Email').fill(email)
    await page.getByLabel('Password').fill(TEST_PASSWORD)
    await Promise.all([page.waitForURL(/\/account$/), page.getByRole('button', { name: 'Sign in', exact: true }).click()])
    await page.getByLabel('Name of the new passkey').fill(name)
    // Adding a passkey asks for the password, as the authenticator app's setup does (account-browser.test.ts).
    await page.locator('#passkey-register-password').fill(TEST_PASSWORD)
    await Promise.all([page.waitForURL(/done=passkey_added/), page.getByRole('button', { name: 'Add a passkey' }).click()])
    await Promise.all([page.waitForURL(/\/account\/login/), page.locator('form[action="/account/logout"] button').click()])
  }

  each('the link page takes a passkey of the account; another account\'s passkey links nothing, the password then asks for the recovery code', async (t, { server, origin, upstream }) => {
    const email = uniqueEmail('fed-pk')
    const otherEmail = uniqueEmail('fed-pk-other')
    const { userId, accessToken } = await registerVerifiedAndLogin(server, email)
    const { userId: otherId } = await registerVerifiedAndLogin(server, otherEmail)
    const [subByPasskey, subByPassword] = [uniqueSub('pk'), uniqueSub('pk-pwd')]
    upstream.setAccount(subByPasskey, { email, emailVerified: true })
    upstream.setAccount(subByPassword, { email, emailVerified: true })
    const owner = await contextWithAuthenticator(browser, { extraHTTPHeaders: { [ACCOUNT_HEADER]: subByPasskey } })
    const other = await contextWithAuthenticator(browser, { extraHTTPHeaders: { [ACCOUNT_HEADER]: subByPassword } })
    try {
      // Each browser's authenticator holds one passkey: the account's own, and the other account's.
      await addPasskey(owner.page, origin, email, 'Owner key')
      await addPasskey(other.page, origin, otherEmail, 'Other key')
      // Then the account gets an authenticator app too: a password alone no longer proves it.
      const { recoveryCodes } = await enrolTotp(server.client, accessToken)
      const liveSessions = async (user: string) => (await server.context.db('sessions').where({ user_id: user }).whereNull('revoked_at')).length
      const otherSessions = await liveSessions(otherId)

      // The other account's passkey on the link page: refused before any session, nothing linked, the link still waiting.
      await continueWith(other.page, origin, 'Sign in with Corp SSO')
      t.is(new URL(other.page.url()).pathname, '/account/sign-in/link')
      const refused = other.page.waitForResponse((response) => response.url().endsWith('/account/sign-in/link/passkey'))
      await Promise.all([other.page.waitForURL(/\/link\/passkey$/), other.page.getByRole('button', { name: 'Use a passkey of this account' }).click()])
      t.is((await refused).status(), 403)
      t.regex((await other.page.textContent('main'))!, /This passkey belongs to another account/)
      t.false((await other.page.textContent('main'))!.includes(otherEmail), 'the other account is not named')
      t.is(await liveSessions(otherId), otherSessions, 'no session for the other account')
      t.is((await server.context.db('user_identities').where({ subject: subByPassword })).length, 0)

      // The account's password on the same page: its second factor is asked, a recovery code answers it, then the identity is linked.
      await other.page.getByLabel('Password of your account here').fill(TEST_PASSWORD)
      await Promise.all([other.page.waitForLoadState('load'), other.page.getByRole('button', { name: /Link corp/ }).click()])
      t.is(await other.page.locator('h1').textContent(), 'Second step')
      t.is((await server.context.db('user_identities').where({ subject: subByPassword })).length, 0, 'not before the second factor')
      await other.page.getByLabel('Recovery code').fill(recoveryCodes[0]!)
      await Promise.all([other.page.waitForURL(/\/account$/), other.page.getByRole('button', { name: 'Use recovery code' }).click()])
      t.like(await server.context.db('user_identities').where({ subject: subByPassword }).first(), { user_id: userId })

      // The account's own passkey: it proves the account and its second factor at once (the authenticator verified the person).
      await continueWith(owner.page, origin, 'Continue with second')
      t.is(new URL(owner.page.url()).pathname, '/account/sign-in/link')
      await Promise.all([owner.page.waitForURL(/\/account$/), owner.page.getByRole('button', { name: 'Use a passkey of this account' }).click()])
      t.like(await server.context.db('user_identities').where({ subject: subByPasskey }).first(), { user_id: userId })
      t.regex((await owner.page.locator('.identities').textContent())!, /corp[\s\S]*second/)
      t.regex((await owner.page.locator('.sessions').textContent())!, /passkey\): this device/)
    } finally {
      await Promise.all([owner.context.close(), other.context.close()])
    }
  })

  each('the account page links another provider and unlinks it; the only way to sign in stays', async (t, { origin, upstream }) => {
    const sub = uniqueSub('acct')
    upstream.setAccount(sub, { email: uniqueEmail('fed-acct'), emailVerified: true })
    const page = await pageAs(sub)
    try {
      await continueWith(page, origin, 'Sign in with Corp SSO')
      await Promise.all([page.waitForURL(/done=identity_linked/), page.getByRole('link', { name: 'Link second' }).click()])
      t.regex((await page.locator('.identities').textContent())!, /corp[\s\S]*second/)
      await Promise.all([page.waitForURL(/done=identity_unlinked/), page.getByRole('button', { name: 'Unlink second' }).click()])
      t.notRegex((await page.locator('.identities').textContent())!, /second/)
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Unlink corp' }).click()])
      t.regex((await page.textContent('main'))!, /only way to sign in/)
    } finally {
      await page.context().close()
    }
  })

  each('refusals are pages that say why, with a way back: cancelled, expired, turned off, unknown', async (t, { origin, upstream }) => {
    const sub = uniqueSub('deny')
    upstream.setAccount(sub, { email: uniqueEmail('fed-deny'), emailVerified: true })
    const page = await pageAs(sub, { [DENY_HEADER]: '1' })
    try {
      await page.goto(`${origin}/account/login`)
      t.is(await page.getByRole('link', { name: 'Sign in with Corp SSO' }).count(), 1)
      t.is(await page.getByRole('link', { name: 'Continue with second' }).count(), 1)
      t.is(await page.getByRole('link', { name: /off/ }).count(), 0, 'a provider turned off has no button')

      const answers: number[] = []
      page.on('response', (response) => {
        if (response.url().startsWith(`${origin}/account/sign-in/corp/callback`)) answers.push(response.status())
      })
      await Promise.all([page.waitForURL(/\/callback\?/), page.getByRole('link', { name: 'Sign in with Corp SSO' }).click()])
      t.deepEqual(answers, [403])
      t.regex((await page.textContent('main'))!, /did not sign you in/)
      t.is(await page.getByRole('link', { name: 'Back to sign in' }).getAttribute('href'), '/account/login')

      const replayed = await page.goto(page.url())
      t.is(replayed!.status(), 400, 'the flow is spent: start again')
      t.regex((await page.textContent('main'))!, /already finished, has expired/)
      t.is((await page.goto(`${origin}/account/sign-in/off`))!.status(), 403)
      t.regex((await page.textContent('main'))!, /turned off/)
      t.is((await page.goto(`${origin}/account/sign-in/nosuch`))!.status(), 404)
      t.is((await page.goto(`${origin}/account/sign-in/link`))!.status(), 400, 'no pending link in this browser')
    } finally {
      await page.context().close()
    }
  })

  each('a relying party signs a person in through Heimdall with an upstream identity, straight there with idp=', async (t, { server, upstream }) => {
    const sub = uniqueSub('rp')
    const email = uniqueEmail('fed-rp')
    upstream.setAccount(sub, { email, emailVerified: true })
    const created = await createClient(server.context, { name: 'Wiki', redirectUris: [relyingParty.redirectUri], postLogoutRedirectUris: [], grants: ['authorization_code'], scopes: ['openid', 'email'], isPublic: false, firstParty: true })
    const config = await discover(server.issuer, created.clientId, created.clientSecret)
    const page = await pageAs(sub)
    try {
      const verifier = oidc.randomPKCECodeVerifier()
      const state = oidc.randomState()
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: relyingParty.redirectUri, scope: 'openid email', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, idp: 'corp' })
      const visited: string[] = []
      page.on('request', (request) => {
        if (request.isNavigationRequest()) visited.push(new URL(request.url()).pathname)
      })
      await Promise.all([page.waitForURL((next) => next.href.startsWith(relyingParty.redirectUri)), page.goto(url.href)])
      t.false(visited.includes('/account/login'), 'idp= skips the sign-in page')
      t.true(visited.includes('/account/sign-in/corp/callback'))
      const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: verifier, expectedState: state })
      const claims = tokens.claims()!
      t.is(claims.email, email)
      t.deepEqual(claims.amr, ['fed'])
    } finally {
      await page.context().close()
    }
  })
}
