import { completeUpstreamSignIn } from '../../../src/usecases/federation/complete-upstream-sign-in.js'
import { createProvider } from '../../../src/usecases/federation/create-provider.js'
import { createClient } from '../../../src/usecases/oidc/create-client.js'
import { registerUser } from '../../../src/usecases/users/register-user.js'
import { beginUpstreamSignIn } from '../../../src/usecases/federation/begin-upstream-sign-in.js'
import { oidcServersForFile } from '../../support/oidc.js'
import { authorizeOverHttp, FormBrowser } from '../../support/oidc-http-sign-in.js'
import { serverTest, TEST_PASSWORD, uniqueEmail } from '../../support/server.js'

// Heimdall brokering Heimdall: one Heimdall's OpenID provider is the upstream of another, signed in
// through its hosted pages by a browser without script (FormBrowser), up to the redirect to the
// downstream's callback.

const upstreams = oidcServersForFile()

serverTest('a person signs in to one Heimdall with their account at another; the second time finds the same account', async (t, server) => {
  const upstream = upstreams.get(server.backend)!
  const name = `heimdall-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
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
