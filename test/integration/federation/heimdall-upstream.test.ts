import test from 'ava'
import type { Browser } from 'playwright-core'
import { completeUpstreamSignIn } from '../../../src/usecases/federation/complete-upstream-sign-in.js'
import { createProvider } from '../../../src/usecases/federation/create-provider.js'
import { createClient } from '../../../src/usecases/oidc/create-client.js'
import { registerUser } from '../../../src/usecases/users/register-user.js'
import { beginUpstreamSignIn } from '../../../src/usecases/federation/begin-upstream-sign-in.js'
import { browserAvailable, launchBrowser } from '../../support/browser.js'
import { backends, type Backend } from '../../support/db.js'
import { startOidcServer, type OidcServer } from '../../support/oidc.js'
import { authorizeOverHttp, FormBrowser } from '../../support/oidc-http-sign-in.js'
import { serverTest, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'

// Heimdall brokering Heimdall: one Heimdall's OpenID provider is the upstream of another, signed in
// through its hosted pages by a browser without script (FormBrowser) up to the redirect to the
// downstream's callback, and by headless Chromium from the downstream's sign-in page to its account page.

// The upstreams on localhost, the downstreams (the file's servers) on 127.0.0.1: a browser keeps cookies
// per host, not per port, so the two Heimdalls' account cookies must not share a host.
const upstreams = new Map<Backend, OidcServer>()
test.before(async () => {
  await Promise.all(backends().map(async (backend) => upstreams.set(backend, await startOidcServer(backend, {}, 'localhost'))))
})
test.after.always(async () => {
  await Promise.all([...upstreams.values()].map((server) => server.close()))
})

/** A client at the upstream Heimdall for `server`'s callback of provider `name`, and that provider at `server`: the redirect URI. */
async function brokered(server: TestServer, upstream: OidcServer, name: string): Promise<string> {
  const redirectUri = `${server.context.config.publicUrl}/account/sign-in/${name}/callback`
  const client = await createClient(upstream.context, {
    name: 'Downstream Heimdall',
    redirectUris: [redirectUri],
    postLogoutRedirectUris: [],
    grants: ['authorization_code'],
    scopes: ['openid', 'email'],
    isPublic: false,
    firstParty: true,
  })
  await createProvider(server.context, {
    name,
    issuer: upstream.issuer,
    clientId: client.clientId,
    clientSecret: client.clientSecret!,
    scopes: ['openid', 'email'],
    trustEmail: true,
    trustMfa: false,
    autoLink: false,
    createAccounts: true,
  })
  return redirectUri
}

serverTest('a person signs in to one Heimdall with their account at another; the second time finds the same account', async (t, server) => {
  const upstream = upstreams.get(server.backend)!
  const name = `heimdall-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
  const redirectUri = await brokered(server, upstream, name)
  const email = uniqueEmail('brokered')
  const { userId: upstreamUserId } = await registerUser(upstream.context, { email, password: TEST_PASSWORD })
  await upstream.context.users.updateUserEmailVerified(upstreamUserId, Date.now())

  const signIn = async () => {
    const begun = await beginUpstreamSignIn(server.context, { provider: name })
    const callback = await authorizeOverHttp(new FormBrowser(), new URL(begun.authorizationUrl), { email }, { redirectUri })
    return completeUpstreamSignIn(server.context, { callbackUrl: callback.href, flowId: begun.flowId })
  }
  const first = await signIn()
  if (first.kind !== 'signed-in') return void t.fail(JSON.stringify(first))
  t.true(first.created)
  t.deepEqual(first.upstreamAmr, ['pwd'])
  const user = await server.context.users.findUserById(first.userId)
  t.is(user?.email, email)
  t.not(user?.email_verified_at, null, 'the upstream Heimdall asserts the address verified, and the provider is trusted')
  const [identity] = await server.context.db('user_identities').where({ user_id: first.userId })
  t.is(identity.subject, upstreamUserId)
  t.like(await signIn(), { kind: 'signed-in', userId: first.userId, created: false })
})

if (browserAvailable('Heimdall brokering Heimdall')) {
  // Downstreams of their own whose public URL is where they listen (the redirect URI the browser follows).
  const downstreams = new Map<Backend, OidcServer>()
  let browser: Browser | undefined
  test.before(async () => {
    const started = backends().map(async (backend) => downstreams.set(backend, await startOidcServer(backend)))
    ;[browser] = await Promise.all([launchBrowser(), ...started])
  })
  test.after.always(async () => {
    await browser?.close()
    await Promise.all([...downstreams.values()].map((server) => server.close()))
  })

  for (const backend of backends()) {
    test(`in Chromium: "Continue with" the other Heimdall, its own sign-in page, and back to a new account here [${backend}]`, async (t) => {
      const [server, upstream] = [downstreams.get(backend)!, upstreams.get(backend)!]
      const name = `corp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
      await brokered(server, upstream, name)
      const email = uniqueEmail('brokered-browser')
      const { userId: upstreamUserId } = await registerUser(upstream.context, { email, password: TEST_PASSWORD })
      await upstream.context.users.updateUserEmailVerified(upstreamUserId, Date.now())
      const context = await browser!.newContext()
      const page = await context.newPage()
      try {
        const origin = server.context.config.publicUrl
        await page.goto(`${origin}/account/login`)
        await Promise.all([page.waitForURL((url) => url.origin === new URL(upstream.issuer).origin), page.getByRole('link', { name: `Continue with ${name}` }).click()])
        await page.getByLabel('Email').fill(email)
        await page.getByLabel('Password').fill(TEST_PASSWORD)
        await Promise.all([page.waitForURL(`${origin}/account`), page.getByRole('button', { name: 'Sign in', exact: true }).click()])
        t.true((await page.textContent('main'))!.includes(email))
        t.regex((await page.locator('.identities').textContent())!, new RegExp(name))
        const [identity] = await server.context.db('user_identities').where({ subject: upstreamUserId })
        t.truthy(identity, 'the identity is keyed on the upstream Heimdall\'s subject')
      } finally {
        await context.close()
      }
    })
  }
}
