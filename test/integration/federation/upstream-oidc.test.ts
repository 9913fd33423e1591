import { randomUUID } from 'node:crypto'
import test, { type ExecutionContext } from 'ava'
import { NO_PASSWORD } from '../../../src/domain/no-password.js'
import { completeUpstreamSignIn, type CompletedUpstreamSignIn } from '../../../src/usecases/federation/complete-upstream-sign-in.js'
import { createProvider } from '../../../src/usecases/federation/create-provider.js'
import { beginUpstreamSignIn, FLOW_TTL_MS } from '../../../src/usecases/federation/begin-upstream-sign-in.js'
import { getPendingLink } from '../../../src/usecases/federation/get-pending-link.js'
import { linkPendingIdentity } from '../../../src/usecases/federation/link-pending-identity.js'
import { PENDING_LINK_TTL_MS } from '../../../src/usecases/federation/resolve-upstream-identity.js'
import { clockedServerTest } from '../../support/clock.js'
import { setProviderEnabled } from '../../../src/usecases/federation/set-provider-enabled.js'
import { unlinkIdentity } from '../../../src/usecases/federation/unlink-identity.js'
import { markEmailVerifiedForTest } from '../../support/federation.js'
import { registerUser } from '../../../src/usecases/users/register-user.js'
import { setUserDisabled } from '../../../src/usecases/users/set-user-disabled.js'
import { deleteUser } from '../../../src/usecases/users/delete-user.js'
import { runCli } from '../../support/cli.js'
import { eventually } from '../../support/eventually.js'
import { enrolTotp, registerVerifiedAndLogin, totpCode } from '../../support/mfa.js'
import { completeMfaLogin } from '../../../src/usecases/mfa/complete-mfa-login.js'
import { signInWithIdentity } from '../../../src/usecases/federation/sign-in-with-identity.js'
import { freePort, serverTest, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'
import { FormBrowser, formsOf } from '../../support/oidc-http-sign-in.js'
import { DENY_HEADER, startUpstreamOidc, type UpstreamOidc } from '../../support/upstream-oidc.js'
import { followToCallback, signInUpstream } from '../../support/upstream-sign-in.js'

// Heimdall as a relying party of a real OpenID Connect provider (node-oidc-provider), driven without a
// browser: beginUpstreamSignIn, the upstream's own interaction up to the redirect to Heimdall's
// callback, then completeUpstreamSignIn. The linking policy and the protocol checks, on both databases.

/** Heimdall's providers, one per policy, all at the same upstream. */
const PROVIDERS = {
  plain: { trustEmail: false, trustMfa: false, autoLink: false, createAccounts: true },
  trusted: { trustEmail: true, trustMfa: true, autoLink: false, createAccounts: true },
  autolink: { trustEmail: true, trustMfa: false, autoLink: true, createAccounts: true },
  nocreate: { trustEmail: true, trustMfa: false, autoLink: false, createAccounts: false },
  toggle: { trustEmail: false, trustMfa: false, autoLink: false, createAccounts: true },
} as const
type Policy = keyof typeof PROVIDERS

interface Upstreams {
  upstream: UpstreamOidc
  /** Another issuer with the same client id and secret: the mix-up attacker's. */
  other: UpstreamOidc
}

const setups = new Map<TestServer, Promise<Upstreams>>()
const started: UpstreamOidc[] = []
test.after.always(async () => {
  await Promise.all(started.map((upstream) => upstream.close()))
})

/** The upstreams of `server` and its providers, made on first use. */
function upstreamsOf(server: TestServer): Promise<Upstreams> {
  let setup = setups.get(server)
  if (!setup) {
    setup = (async () => {
      const redirectUris = [...Object.keys(PROVIDERS), 'doomed', 'msft'].map((name) => `${server.context.config.publicUrl}/account/sign-in/${name}/callback`)
      const upstream = await startUpstreamOidc({ redirectUris })
      const other = await startUpstreamOidc({ redirectUris })
      started.push(upstream, other)
      for (const [name, policy] of Object.entries(PROVIDERS)) {
        await createProvider(server.context, { name, issuer: upstream.issuer, clientId: upstream.clientId, clientSecret: upstream.clientSecret, ...policy })
      }
      // The microsoft preset's checks, run against the local upstream (its issuer overridden).
      await createProvider(server.context, { name: 'msft', preset: 'microsoft', issuer: upstream.issuer, clientId: upstream.clientId, clientSecret: upstream.clientSecret, ...PROVIDERS.plain })
      return { upstream, other }
    })()
    setups.set(server, setup)
  }
  return setup
}

let sequence = 0
/** A subject no other test uses. */
function uniqueSub(label: string): string {
  return `${label}-${process.pid}-${++sequence}`
}

async function signIn(server: TestServer, provider: Policy, sub: string, tweak?: (url: URL) => void): Promise<CompletedUpstreamSignIn> {
  const { upstream } = await upstreamsOf(server)
  const { flowId, callbackUrl } = await signInUpstream(server.context, provider, upstream.signInHeader(sub), tweak)
  return completeUpstreamSignIn(server.context, { callbackUrl, flowId })
}

function signedIn(t: ExecutionContext, result: CompletedUpstreamSignIn) {
  if (result.kind !== 'signed-in') throw new Error(`expected a sign-in, got ${JSON.stringify(result)}`)
  return result
}

serverTest('a first sign-in creates an account without a password, verified only when the upstream asserts it and the provider is trusted; the second finds it', async (t, server) => {
  const { upstream } = await upstreamsOf(server)
  const sub = uniqueSub('first')
  const email = uniqueEmail('first')
  upstream.setAccount(sub, { email, emailVerified: true })
  const first = signedIn(t, await signIn(server, 'trusted', sub))
  t.like(first, { created: true, provider: 'trusted', returnTo: '/account', secondFactorSatisfiedUpstream: false })
  const user = await server.context.users.findUserById(first.userId)
  t.is(user?.email, email)
  t.not(user?.email_verified_at, null, 'verified upstream and trusted')
  t.is(user?.password_hash, NO_PASSWORD, 'no password can sign in to it')
  t.is((await server.client.login(email, NO_PASSWORD)).statusCode, 400)

  const second = signedIn(t, await signIn(server, 'trusted', sub))
  t.is(second.userId, first.userId)
  t.false(second.created)
  const shown = JSON.parse((await runCli(['user:show', email, '--json'], { env: server.env })).stdout)
  t.like(shown.identities[0], { provider: 'trusted', subject: sub, email })
  t.regex((await runCli(['user:show', email], { env: server.env })).stdout, new RegExp(`identities: +trusted \\(${email.replace(/[.+]/g, '\\$&')}, linked `))

  const untrustedSub = uniqueSub('untrusted')
  const untrustedEmail = uniqueEmail('untrusted')
  upstream.setAccount(untrustedSub, { email: untrustedEmail, emailVerified: true })
  const untrusted = signedIn(t, await signIn(server, 'plain', untrustedSub))
  t.is((await server.context.users.findUserById(untrusted.userId))?.email_verified_at, null, 'the provider is not trusted for addresses')
})

serverTest('an upstream account with a local account\'s address is never merged: link-required, linked only once the account is proven, single use', async (t, server) => {
  const { upstream } = await upstreamsOf(server)
  const victim = uniqueEmail('victim')
  const { userId: victimId } = await registerUser(server.context, { email: victim, password: TEST_PASSWORD })
  await markEmailVerifiedForTest(server, victimId)
  const attackerSub = uniqueSub('attacker')
  upstream.setAccount(attackerSub, { email: victim, emailVerified: true })

  const result = await signIn(server, 'trusted', attackerSub)
  if (result.kind !== 'link-required') return void t.fail(JSON.stringify(result))
  t.is(result.email, victim)
  t.deepEqual(await server.context.db('user_identities').where({ user_id: victimId }), [], 'nothing linked')
  t.is((await server.context.db('users').where({ email: victim })).length, 1, 'no second account')

  t.like(await getPendingLink(server.context, { pendingLinkToken: result.pendingLinkToken }), { email: victim, provider: 'trusted' })
  const other = await registerUser(server.context, { email: uniqueEmail('other'), password: TEST_PASSWORD })
  await t.throwsAsync(linkPendingIdentity(server.context, { pendingLinkToken: result.pendingLinkToken, userId: other.userId }), { code: 'federation.link_expired' })
  const linked = await linkPendingIdentity(server.context, { pendingLinkToken: result.pendingLinkToken, userId: victimId })
  t.like(linked, { userId: victimId, provider: 'trusted', returnTo: '/account' })
  await t.throwsAsync(linkPendingIdentity(server.context, { pendingLinkToken: result.pendingLinkToken, userId: victimId }), { code: 'federation.link_expired' })
  t.is(signedIn(t, await signIn(server, 'trusted', attackerSub)).userId, victimId, 'once proven, the identity signs in to that account')
  t.is((await server.context.db('audit_events').where({ type: 'federation.identity_linked', user_id: victimId, event_type: 'identity.linked' })).length, 1)
})

serverTest('pre-hijack: an identity stays bound to its own user when its upstream address later becomes a victim\'s', async (t, server) => {
  const { upstream } = await upstreamsOf(server)
  const sub = uniqueSub('changer')
  upstream.setAccount(sub, { email: uniqueEmail('changer'), emailVerified: true })
  const own = signedIn(t, await signIn(server, 'autolink', sub))
  const victim = uniqueEmail('victim2')
  const { userId: victimId } = await registerUser(server.context, { email: victim, password: TEST_PASSWORD })
  await markEmailVerifiedForTest(server, victimId)
  upstream.setAccount(sub, { email: victim, emailVerified: true })
  const again = signedIn(t, await signIn(server, 'autolink', sub))
  t.is(again.userId, own.userId)
  t.not(again.userId, victimId)
})

serverTest('auto-link links only a verified local address: a squatter\'s unverified account with the victim\'s address gets link-required', async (t, server) => {
  const { upstream } = await upstreamsOf(server)
  const address = uniqueEmail('squatted')
  const { userId: squatterId } = await registerUser(server.context, { email: address, password: TEST_PASSWORD })
  const victimSub = uniqueSub('victim')
  upstream.setAccount(victimSub, { email: address, emailVerified: true })
  const result = await signIn(server, 'autolink', victimSub)
  t.is(result.kind, 'link-required')
  t.deepEqual(await server.context.db('user_identities').where({ user_id: squatterId }), [])

  const verified = uniqueEmail('verified')
  const { userId } = await registerUser(server.context, { email: verified, password: TEST_PASSWORD })
  await markEmailVerifiedForTest(server, userId)
  const sub = uniqueSub('auto')
  upstream.setAccount(sub, { email: verified, emailVerified: true })
  t.is(signedIn(t, await signIn(server, 'autolink', sub)).userId, userId, 'both addresses verified, the provider trusted: linked')
  const unverifiedUpstream = uniqueSub('unverified')
  const another = uniqueEmail('another')
  await markEmailVerifiedForTest(server, (await registerUser(server.context, { email: another, password: TEST_PASSWORD })).userId)
  upstream.setAccount(unverifiedUpstream, { email: another, emailVerified: false })
  t.is((await signIn(server, 'autolink', unverifiedUpstream)).kind, 'link-required', 'an address the upstream does not assert verified links nothing')
})

serverTest('subjects are compared exactly (OpenID Connect Core 1.0 section 2): an upstream account whose sub differs from another\'s only in case or a trailing space is another identity', async (t, server) => {
  const { upstream } = await upstreamsOf(server)
  const sub = `Case-${uniqueSub('Sub')}`
  upstream.setAccount(sub, { email: uniqueEmail('upper'), emailVerified: true })
  const first = signedIn(t, await signIn(server, 'trusted', sub))
  const lowerEmail = uniqueEmail('lower')
  upstream.setAccount(sub.toLowerCase(), { email: lowerEmail, emailVerified: true })
  const second = signedIn(t, await signIn(server, 'trusted', sub.toLowerCase()))
  t.not(second.userId, first.userId, 'not signed in to the other subject\'s account')
  t.true(second.created)
  t.is((await server.context.users.findUserById(second.userId))?.email, lowerEmail)
  t.is(signedIn(t, await signIn(server, 'trusted', sub)).userId, first.userId, 'each subject keeps its own account')

  // Nor do trailing spaces fold away (MariaDB's utf8mb4_bin is PAD SPACE: "alice" = "alice ").
  upstream.setAccount(`${sub} `, { email: uniqueEmail('padded'), emailVerified: true })
  const padded = signedIn(t, await signIn(server, 'trusted', `${sub} `))
  t.true(padded.created, 'a subject with a trailing space is another identity')
  t.not(padded.userId, first.userId)
})

serverTest('a Kelvin sign (U+212A) is not a k: an upstream address that lower-cases to a local account\'s verified one links nothing, creates nothing', async (t, server) => {
  const { upstream } = await upstreamsOf(server)
  const victim = uniqueEmail('kelvin')
  const { userId: victimId } = await registerUser(server.context, { email: victim, password: TEST_PASSWORD })
  await markEmailVerifiedForTest(server, victimId)
  const lookalike = `\u212A${victim.slice(1)}`
  t.is(lookalike.toLowerCase(), victim, 'JavaScript lower-cases it to the victim\'s address')
  const attackerSub = uniqueSub('kelvin')
  upstream.setAccount(attackerSub, { email: lookalike, emailVerified: true })
  // Trusted for addresses and auto-linking: before, this signed the attacker in to the victim's account.
  await t.throwsAsync(signIn(server, 'autolink', attackerSub), { code: 'federation.email_missing' })
  t.deepEqual(await server.context.db('user_identities').where({ user_id: victimId }), [], 'nothing linked')
  t.deepEqual(await server.context.db('user_identities').where({ subject: attackerSub }), [], 'no account made for it')
  t.is((await server.client.register(lookalike, TEST_PASSWORD)).statusCode, 422, 'nor can the address be registered')
  t.is((await server.client.login(lookalike, TEST_PASSWORD)).statusCode, 422, 'nor is it a way to the victim\'s account at login')
})

serverTest('a wrong state, a replayed callback and a callback without its flow are refused', async (t, server) => {
  const { upstream } = await upstreamsOf(server)
  const sub = uniqueSub('replay')
  upstream.setAccount(sub, { email: uniqueEmail('replay'), emailVerified: true })

  const forged = await signInUpstream(server.context, 'plain', upstream.signInHeader(sub))
  const wrongState = new URL(forged.callbackUrl)
  wrongState.searchParams.set('state', 'not-the-state')
  await t.throwsAsync(completeUpstreamSignIn(server.context, { callbackUrl: wrongState.href, flowId: forged.flowId }), { code: 'federation.invalid_callback' })
  await t.throwsAsync(completeUpstreamSignIn(server.context, { callbackUrl: forged.callbackUrl, flowId: forged.flowId }), { code: 'federation.invalid_callback' }, 'the flow is spent')

  const good = await signInUpstream(server.context, 'plain', upstream.signInHeader(sub))
  await t.throwsAsync(completeUpstreamSignIn(server.context, { callbackUrl: good.callbackUrl, flowId: 'another-browser' }), { code: 'federation.invalid_callback' })
  t.is((await completeUpstreamSignIn(server.context, good)).kind, 'signed-in')
  await t.throwsAsync(completeUpstreamSignIn(server.context, good), { code: 'federation.invalid_callback' }, 'a replayed callback')
  const fresh = await signInUpstream(server.context, 'plain', upstream.signInHeader(sub))
  const reusedCode = new URL(good.callbackUrl)
  await t.throwsAsync(completeUpstreamSignIn(server.context, { callbackUrl: reusedCode.href, flowId: fresh.flowId }), { code: 'federation.invalid_callback' }, 'an old code with a new flow')
})

serverTest('an ID token with another nonce, and an answer from another issuer (mix-up), are refused', async (t, server) => {
  const { upstream, other } = await upstreamsOf(server)
  const sub = uniqueSub('checks')
  upstream.setAccount(sub, { email: uniqueEmail('checks'), emailVerified: true })
  other.setAccount(sub, { email: uniqueEmail('checks-other'), emailVerified: true })
  const wrongNonce = await signInUpstream(server.context, 'plain', upstream.signInHeader(sub), (url) => url.searchParams.set('nonce', 'another-nonce'))
  const nonceError = await t.throwsAsync(completeUpstreamSignIn(server.context, wrongNonce), { code: 'federation.upstream_invalid' })
  t.regex(nonceError!.message, /nonce/)

  const mixUp = await signInUpstream(server.context, 'plain', other.signInHeader(sub), (url) => {
    const foreign = new URL(other.issuer)
    url.host = foreign.host
  })
  t.true(new URL(mixUp.callbackUrl).searchParams.get('iss') === other.issuer)
  await t.throwsAsync(completeUpstreamSignIn(server.context, mixUp), { code: 'federation.upstream_invalid' })
  const withoutIss = await signInUpstream(server.context, 'plain', other.signInHeader(sub), (url) => void (url.host = new URL(other.issuer).host))
  const stripped = new URL(withoutIss.callbackUrl)
  stripped.searchParams.delete('iss')
  await t.throwsAsync(completeUpstreamSignIn(server.context, { callbackUrl: stripped.href, flowId: withoutIss.flowId }), { code: 'federation.upstream_invalid' })
})

serverTest('a cancelled sign-in, a disabled user, a provider that creates no account and a disabled provider are refused with their codes', async (t, server) => {
  const { upstream } = await upstreamsOf(server)
  const sub = uniqueSub('refusals')
  const email = uniqueEmail('refusals')
  upstream.setAccount(sub, { email, emailVerified: true })
  const cancelled = await signInUpstream(server.context, 'plain', { ...upstream.signInHeader(sub), [DENY_HEADER]: '1' })
  const refusal = await t.throwsAsync(completeUpstreamSignIn(server.context, cancelled), { code: 'federation.upstream_refused' })
  t.regex(refusal!.message, /cancelled/)
  const failures = await server.context.db('audit_events').where({ type: 'federation.sign_in_failed' })
  t.true(failures.some((row) => JSON.parse(row.detail).code === 'federation.upstream_refused'))

  const created = signedIn(t, await signIn(server, 'plain', sub))
  await setUserDisabled(server.context, { email, disabled: true })
  await t.throwsAsync(signIn(server, 'plain', sub), { code: 'auth.account_disabled' })

  const stranger = uniqueSub('stranger')
  upstream.setAccount(stranger, { email: uniqueEmail('stranger'), emailVerified: true })
  await t.throwsAsync(signIn(server, 'nocreate', stranger), { code: 'federation.account_creation_disabled' })
  const nameless = uniqueSub('nameless')
  upstream.setAccount(nameless, { email: null, emailVerified: false })
  await t.throwsAsync(signIn(server, 'plain', nameless), { code: 'federation.email_missing' })
  t.truthy(created.userId)
})

serverTest('a provider turned off refuses new sign-ins and the ones in flight', async (t, server) => {
  const { upstream } = await upstreamsOf(server)
  const sub = uniqueSub('toggle')
  upstream.setAccount(sub, { email: uniqueEmail('toggle'), emailVerified: true })
  const inFlight = await signInUpstream(server.context, 'toggle', upstream.signInHeader(sub))
  await setProviderEnabled(server.context, { name: 'toggle', enabled: false })
  try {
    await t.throwsAsync(completeUpstreamSignIn(server.context, inFlight), { code: 'federation.provider_disabled' })
    await t.throwsAsync(signIn(server, 'toggle', sub), { code: 'federation.provider_disabled' })
  } finally {
    await setProviderEnabled(server.context, { name: 'toggle', enabled: true })
  }
  t.is((await signIn(server, 'toggle', sub)).kind, 'signed-in')
})

serverTest('the second factor counts as done upstream only with trust_mfa and an amr saying mfa', async (t, server) => {
  const { upstream } = await upstreamsOf(server)
  const sub = uniqueSub('mfa')
  upstream.setAccount(sub, { email: uniqueEmail('mfa'), emailVerified: true, amr: ['pwd', 'otp', 'mfa'] })
  const trusted = signedIn(t, await signIn(server, 'trusted', sub))
  t.true(trusted.secondFactorSatisfiedUpstream)
  t.deepEqual(trusted.upstreamAmr, ['pwd', 'otp', 'mfa'])
  const sub2 = uniqueSub('mfa-plain')
  upstream.setAccount(sub2, { email: uniqueEmail('mfa-plain'), emailVerified: true, amr: ['pwd', 'otp', 'mfa'] })
  t.false(signedIn(t, await signIn(server, 'plain', sub2)).secondFactorSatisfiedUpstream, 'the provider is not trusted for MFA')
  const sub3 = uniqueSub('mfa-pwd')
  upstream.setAccount(sub3, { email: uniqueEmail('mfa-pwd'), emailVerified: true, amr: ['pwd'] })
  t.false(signedIn(t, await signIn(server, 'trusted', sub3)).secondFactorSatisfiedUpstream, 'a password alone upstream')
})

serverTest('an identity is not unlinked when it is the account\'s only way to sign in; user:unlink once a password is set', async (t, server) => {
  const { upstream } = await upstreamsOf(server)
  const sub = uniqueSub('unlink')
  const email = uniqueEmail('unlink')
  upstream.setAccount(sub, { email, emailVerified: true })
  const { userId } = signedIn(t, await signIn(server, 'trusted', sub))
  await t.throwsAsync(unlinkIdentity(server.context, { userId, provider: 'trusted', by: 'user' }), { code: 'federation.last_sign_in_method' })
  const refused = await runCli(['user:unlink', email, 'trusted'], { env: server.env })
  t.is(refused.code, 1)
  t.regex(refused.stderr, /only way to sign in/)
  t.is((await runCli(['user:set-password', email, '--password-stdin'], { env: server.env, input: TEST_PASSWORD })).code, 0)
  const unlinked = await runCli(['user:unlink', email, 'trusted', '--json'], { env: server.env })
  t.is(unlinked.code, 0, unlinked.stderr)
  t.deepEqual(await server.context.db('user_identities').where({ user_id: userId }), [])
  t.is((await server.context.db('audit_events').where({ type: 'federation.identity_unlinked', user_id: userId, event_type: 'identity.unlinked' })).length, 1)
  t.is((await server.client.login(email, TEST_PASSWORD)).statusCode, 200)
})

serverTest('an answer that comes back to another provider\'s redirect URI is refused, and its sign-in is spent (mix-up defence)', async (t, server) => {
  const { upstream } = await upstreamsOf(server)
  const sub = uniqueSub('mixed-path')
  upstream.setAccount(sub, { email: uniqueEmail('mixed-path'), emailVerified: true })
  const flow = await signInUpstream(server.context, 'plain', upstream.signInHeader(sub))
  t.regex(new URL(flow.callbackUrl).pathname, /\/account\/sign-in\/plain\/callback$/)
  const elsewhere = new URL(flow.callbackUrl)
  elsewhere.pathname = elsewhere.pathname.replace('/plain/', '/autolink/')
  const refused = await t.throwsAsync(completeUpstreamSignIn(server.context, { callbackUrl: elsewhere.href, flowId: flow.flowId }), { code: 'federation.invalid_callback' })
  t.regex(refused?.message ?? '', /another provider's address than the plain sign-in/)
  await t.throwsAsync(completeUpstreamSignIn(server.context, flow), { code: 'federation.invalid_callback' }, 'the sign-in it belonged to is spent')
  t.deepEqual(await server.context.db('user_identities').where({ subject: sub }), [], 'nothing linked, no account made')
})

serverTest('two callbacks of one sign-in at once: one signs in, the other is refused', async (t, server) => {
  const { upstream } = await upstreamsOf(server)
  const sub = uniqueSub('race')
  upstream.setAccount(sub, { email: uniqueEmail('race'), emailVerified: true })
  const flow = await signInUpstream(server.context, 'plain', upstream.signInHeader(sub))
  const results = await Promise.allSettled([completeUpstreamSignIn(server.context, flow), completeUpstreamSignIn(server.context, flow)])
  t.is(results.filter((result) => result.status === 'fulfilled').length, 1)
  const refused = results.find((result): result is PromiseRejectedResult => result.status === 'rejected')
  t.is((refused?.reason as { code?: string }).code, 'federation.invalid_callback')
  t.is((await server.context.db('users').whereIn('id', server.context.db('user_identities').where({ subject: sub }).select('user_id'))).length, 1, 'one account')
})

clockedServerTest('a sign-in left at the upstream past its ten minutes, and a pending link past its fifteen, have expired', async (t, server, clock) => {
  const { upstream } = await upstreamsOf(server)
  const sub = uniqueSub('slow')
  upstream.setAccount(sub, { email: uniqueEmail('slow'), emailVerified: true })
  const slow = await signInUpstream(server.context, 'plain', upstream.signInHeader(sub))
  clock.advance(FLOW_TTL_MS + 1000)
  await t.throwsAsync(completeUpstreamSignIn(server.context, slow), { code: 'federation.invalid_callback' })

  const owner = uniqueEmail('owner')
  const { userId } = await registerUser(server.context, { email: owner, password: TEST_PASSWORD })
  const linker = uniqueSub('linker')
  upstream.setAccount(linker, { email: owner, emailVerified: true })
  const pending = await signIn(server, 'plain', linker)
  if (pending.kind !== 'link-required') return void t.fail(JSON.stringify(pending))
  clock.advance(PENDING_LINK_TTL_MS + 1000)
  await t.throwsAsync(getPendingLink(server.context, { pendingLinkToken: pending.pendingLinkToken }), { code: 'federation.link_expired' })
  await t.throwsAsync(linkPendingIdentity(server.context, { pendingLinkToken: pending.pendingLinkToken, userId }), { code: 'federation.link_expired' })
  t.deepEqual(await server.context.db('user_identities').where({ user_id: userId }), [])
})

serverTest('idp:delete takes the identities linked through it, the accounts stay; deleting a user takes its identities', async (t, server) => {
  const { upstream } = await upstreamsOf(server)
  await createProvider(server.context, { name: 'doomed', issuer: upstream.issuer, clientId: upstream.clientId, clientSecret: upstream.clientSecret, ...PROVIDERS.plain })
  const sub = uniqueSub('doomed')
  const email = uniqueEmail('doomed')
  upstream.setAccount(sub, { email, emailVerified: true })
  const { userId } = signedIn(t, await signInUpstream(server.context, 'doomed', upstream.signInHeader(sub)).then((flow) => completeUpstreamSignIn(server.context, flow)))
  const deleted = await runCli(['idp:delete', 'doomed', '--json'], { env: server.env })
  t.is(deleted.code, 0, deleted.stderr)
  t.deepEqual(JSON.parse(deleted.stdout), { deleted: 'doomed', unlinked_identities: 1 })
  t.truthy(await server.context.users.findUserById(userId), 'the account stays')
  t.deepEqual(await server.context.db('user_identities').where({ user_id: userId }), [])
  t.is((await server.context.db('audit_events').where({ user_id: userId, event_type: 'identity.unlinked' })).length, 1, 'identity.unlinked for the identity that went with the provider')

  const goneSub = uniqueSub('gone')
  const goneEmail = uniqueEmail('gone')
  upstream.setAccount(goneSub, { email: goneEmail, emailVerified: true })
  const gone = signedIn(t, await signIn(server, 'plain', goneSub))
  await deleteUser(server.context, { email: goneEmail })
  t.deepEqual(await server.context.db('user_identities').where({ user_id: gone.userId }), [])
  t.true(signedIn(t, await signIn(server, 'plain', goneSub)).created, 'the identity is new again')
})

serverTest('the microsoft preset refuses an ID token whose issuer is not its tenant\'s', async (t, server) => {
  const { upstream } = await upstreamsOf(server)
  const sub = uniqueSub('entra')
  upstream.setAccount(sub, { email: uniqueEmail('entra'), emailVerified: true, tid: '9188040d-6c67-4c5b-b112-36a304b66dad' })
  const flow = await signInUpstream(server.context, 'msft', upstream.signInHeader(sub))
  const refused = await t.throwsAsync(completeUpstreamSignIn(server.context, flow), { code: 'federation.upstream_invalid' })
  t.regex(refused!.message, /is not its tenant's/)
  const tenantless = uniqueSub('no-tid')
  upstream.setAccount(tenantless, { email: uniqueEmail('no-tid'), emailVerified: true })
  await t.throwsAsync(completeUpstreamSignIn(server.context, await signInUpstream(server.context, 'msft', upstream.signInHeader(tenantless))), { message: /no tid claim/ })
})

serverTest('a sign-in starts only at a known provider, and comes back only to a path on this server', async (t, server) => {
  await upstreamsOf(server)
  await t.throwsAsync(beginUpstreamSignIn(server.context, { provider: 'nobody' }), { code: 'federation.provider_not_found' })
  for (const returnTo of ['//evil.example.com/x', 'https://evil.example.com/', '/\\evil.example.com', 'account']) {
    await t.throwsAsync(beginUpstreamSignIn(server.context, { provider: 'plain', returnTo }), { code: 'validation.failed' }, returnTo)
  }
  const begun = await beginUpstreamSignIn(server.context, { provider: 'plain', returnTo: '/account?tab=security', interactionUid: 'uid-1' })
  const url = new URL(begun.authorizationUrl)
  t.is(url.searchParams.get('code_challenge_method'), 'S256')
  t.truthy(url.searchParams.get('code_challenge'))
  t.truthy(url.searchParams.get('nonce'))
  t.truthy(url.searchParams.get('state'))
  t.is(url.searchParams.get('redirect_uri'), `${server.context.config.publicUrl}/account/sign-in/plain/callback`)
  t.false(begun.authorizationUrl.includes(begun.flowId), 'the flow id stays with the browser')
})

serverTest('a signed-in person links another identity from the account page; an identity linked to someone else is never moved', async (t, server) => {
  const { upstream } = await upstreamsOf(server)
  const { userId } = await registerUser(server.context, { email: uniqueEmail('linker'), password: TEST_PASSWORD })
  const sub = uniqueSub('page-link')
  // A different address upstream: both sides are proven, so the addresses need not match.
  upstream.setAccount(sub, { email: uniqueEmail('elsewhere'), emailVerified: false })
  const linkFrom = async (user: string, accountUserId: string | null = user) => {
    const begun = await beginUpstreamSignIn(server.context, { provider: 'plain', returnTo: '/account', linkToUserId: user })
    const callbackUrl = await followToCallback(begun.authorizationUrl, upstream.signInHeader(sub), server.context.config.publicUrl)
    return completeUpstreamSignIn(server.context, { callbackUrl, flowId: begun.flowId, accountUserId: accountUserId ?? undefined })
  }
  // The account session that started the link ended before the callback (or another account's came with it): nothing is linked.
  await t.throwsAsync(linkFrom(userId, null), { code: 'federation.invalid_callback' })
  await t.throwsAsync(linkFrom(userId, randomUUID()), { code: 'federation.invalid_callback' })
  t.deepEqual(await server.context.db('user_identities').where({ user_id: userId }), [])
  t.like(await linkFrom(userId), { kind: 'linked', userId, alreadyLinked: false, returnTo: '/account' })
  t.like(await linkFrom(userId), { kind: 'linked', userId, alreadyLinked: true })
  t.is(signedIn(t, await signIn(server, 'plain', sub)).userId, userId, 'the identity now signs in to that account')
  const { userId: otherId } = await registerUser(server.context, { email: uniqueEmail('thief'), password: TEST_PASSWORD })
  await t.throwsAsync(linkFrom(otherId), { code: 'federation.identity_taken' })
  t.deepEqual(await server.context.db('user_identities').where({ user_id: otherId }), [])
  const [audit] = await server.context.db('audit_events').where({ type: 'federation.identity_linked', user_id: userId })
  t.like(JSON.parse(audit.detail), { provider: 'plain', how: 'account_page' })
})

/** The sign-in page's password form posted by `browser` (a FormBrowser without an account session): the answer. */
async function signInOnPage(server: TestServer, browser: FormBrowser, email: string): Promise<Response> {
  const page = await browser.request(`${server.url}/account/login`)
  const form = formsOf(await page.text()).find((candidate) => candidate.action === '/account/login')!
  return browser.request(`${server.url}/account/login`, { form: { ...form.fields, email, password: TEST_PASSWORD } })
}

serverTest('a browser holding a pending link that signs in as another account, or that cancelled it: that sign-in goes on and links nothing; the account\'s own sign-in links it', async (t, server) => {
  const { upstream } = await upstreamsOf(server)
  const email = uniqueEmail('pending-owner')
  const otherEmail = uniqueEmail('pending-other')
  const { userId } = await registerUser(server.context, { email, password: TEST_PASSWORD })
  await registerUser(server.context, { email: otherEmail, password: TEST_PASSWORD })
  const sub = uniqueSub('pending')
  upstream.setAccount(sub, { email, emailVerified: true })
  const pending = await signIn(server, 'plain', sub)
  if (pending.kind !== 'link-required') return void t.fail(pending.kind)

  const shared = new FormBrowser()
  shared.setCookie('heimdall_pending_link', pending.pendingLinkToken, '/account')
  const asOther = await signInOnPage(server, shared, otherEmail)
  t.is(asOther.status, 303, 'signed in, not refused for a link that is not this account\'s')
  t.is(asOther.headers.get('location'), '/account')
  t.regex(asOther.headers.getSetCookie().join('\n'), /heimdall_pending_link=;/, 'the cookie is forgotten')
  t.is((await server.context.db('user_identities').where({ subject: sub })).length, 0)
  t.is((await getPendingLink(server.context, { pendingLinkToken: pending.pendingLinkToken })).email, email, 'the link still waits for its account')

  // "Cancel" on the link page: that browser forgets the link, and its owner's sign-in there links nothing.
  const cancelling = new FormBrowser()
  cancelling.setCookie('heimdall_pending_link', pending.pendingLinkToken, '/account')
  const linkPage = await cancelling.request(`${server.url}/account/sign-in/link`)
  const cancel = formsOf(await linkPage.text()).find((candidate) => candidate.action === '/account/sign-in/link/cancel')!
  const cancelled = await cancelling.request(`${server.url}/account/sign-in/link/cancel`, { form: cancel.fields })
  t.is(cancelled.status, 303)
  t.is(cancelled.headers.get('location'), '/account/login')
  t.is((await signInOnPage(server, cancelling, email)).status, 303)
  t.is((await server.context.db('user_identities').where({ subject: sub })).length, 0, 'cancelled: not linked')

  const owners = new FormBrowser()
  owners.setCookie('heimdall_pending_link', pending.pendingLinkToken, '/account')
  t.is((await signInOnPage(server, owners, email)).status, 303)
  t.like(await server.context.db('user_identities').where({ subject: sub }).first(), { user_id: userId })
})

serverTest('the callback\'s refusals are pages in words with a way back, never a 500: a forged answer (400), an upstream out of reach (502)', async (t, server) => {
  const { upstream } = await upstreamsOf(server)
  const sub = uniqueSub('pages')
  upstream.setAccount(sub, { email: uniqueEmail('pages'), emailVerified: true })
  const browser = new FormBrowser()
  const started = await browser.request(`${server.url}/account/sign-in/plain`)
  t.is(started.status, 303)
  // The ID token the upstream sends back carries another nonce than the one this browser's flow holds.
  const authorize = new URL(started.headers.get('location')!)
  authorize.searchParams.set('nonce', 'another-nonce')
  const callback = await followToCallback(authorize.href, upstream.signInHeader(sub), server.context.config.publicUrl)
  // The redirect URI names the public URL; this server listens at server.url.
  const forged = await browser.request(callback.replace(server.context.config.publicUrl, server.url))
  t.is(forged.status, 400)
  const forgedPage = await forged.text()
  t.regex(forgedPage, /failed a security check, so it was not accepted/)
  t.regex(forgedPage, /<a href="\/account\/login">Back to sign in<\/a>/)

  // A provider whose issuer nobody answers at: discovery fails when the sign-in starts.
  const closed = `http://127.0.0.1:${await freePort()}`
  await createProvider(server.context, { name: `gone-${process.pid}`, issuer: closed, clientId: 'x', clientSecret: 'unused-secret-0123456789', ...PROVIDERS.plain })
  const unreachable = await browser.request(`${server.url}/account/sign-in/gone-${process.pid}`)
  t.is(unreachable.status, 502)
  const unreachablePage = await unreachable.text()
  t.regex(unreachablePage, /could not be reached\. Try again in a moment/)
  t.regex(unreachablePage, /<a href="\/account\/login">Back to sign in<\/a>/)
})

serverTest('logout-all ends every session opened through a provider, its refresh tokens too', async (t, server) => {
  const { upstream } = await upstreamsOf(server)
  const sub = uniqueSub('logout-all')
  upstream.setAccount(sub, { email: uniqueEmail('logout-all'), emailVerified: true })
  const sessions = []
  for (let i = 0; i < 2; i++) {
    const resolved = signedIn(t, await signIn(server, 'plain', sub))
    const outcome = await signInWithIdentity(server.context, { userId: resolved.userId, provider: 'plain', secondFactorSatisfiedUpstream: resolved.secondFactorSatisfiedUpstream })
    if (outcome.kind !== 'tokens') return void t.fail(outcome.kind)
    sessions.push(outcome.tokens)
  }
  for (const session of sessions) t.true((await server.client.validate(session.accessToken)).body.is_valid)
  t.is((await server.client.logoutAll(sessions[1]!.accessToken)).statusCode, 204)
  for (const session of sessions) {
    t.not(await eventually(async () => (await server.client.validate(session.accessToken)).body.is_valid === false, 5000), undefined, 'its access token stops validating')
    t.is((await server.client.refresh(session.refreshToken)).statusCode, 401, 'its refresh token is refused')
  }
})

serverTest(
  'after an upstream sign-in a role that requires a second factor holds: its holder enrols first, unless the trusted provider said multi-factor',
  async (t, server) => {
    const { upstream } = await upstreamsOf(server)
    const sub = uniqueSub('roles')
    upstream.setAccount(sub, { email: uniqueEmail('roles'), emailVerified: true, amr: ['pwd'] })
    const single = signedIn(t, await signIn(server, 'trusted', sub))
    const enrol = await signInWithIdentity(server.context, { userId: single.userId, provider: 'trusted', secondFactorSatisfiedUpstream: single.secondFactorSatisfiedUpstream })
    t.is(enrol.kind, 'mfa_enrollment_required', 'a password alone upstream: enrol a factor here first')

    const strong = uniqueSub('roles-mfa')
    upstream.setAccount(strong, { email: uniqueEmail('roles-mfa'), emailVerified: true, amr: ['pwd', 'otp', 'mfa'] })
    const multi = signedIn(t, await signIn(server, 'trusted', strong))
    const outcome = await signInWithIdentity(server.context, { userId: multi.userId, provider: 'trusted', secondFactorSatisfiedUpstream: multi.secondFactorSatisfiedUpstream })
    if (outcome.kind !== 'tokens') return void t.fail(outcome.kind)
    t.deepEqual((await server.client.validate(outcome.tokens.accessToken)).body.amr, ['fed', 'mfa'])
  },
  // Every account has the default role "user": on this server of its own, each one must have a second factor.
  { env: { HEIMDALL_MFA_REQUIRED_ROLES: 'user' } },
)

serverTest('the second step after an upstream sign-in says so in its amr: fed, otp, mfa (not pwd: no password was typed here)', async (t, server) => {
  const { upstream } = await upstreamsOf(server)
  const email = uniqueEmail('fed-amr')
  const { accessToken } = await registerVerifiedAndLogin(server, email)
  const { secret } = await enrolTotp(server.client, accessToken)
  const sub = uniqueSub('amr')
  upstream.setAccount(sub, { email, emailVerified: true })
  const pending = await signIn(server, 'plain', sub)
  if (pending.kind !== 'link-required') return void t.fail(pending.kind)
  const { userId } = await linkPendingIdentity(server.context, { pendingLinkToken: pending.pendingLinkToken, userId: (await server.context.users.findUserByEmail(email))!.id })

  const step = await signInWithIdentity(server.context, { userId, provider: 'plain', secondFactorSatisfiedUpstream: signedIn(t, await signIn(server, 'plain', sub)).secondFactorSatisfiedUpstream })
  if (step.kind !== 'mfa_required') return void t.fail(step.kind)
  const tokens = await completeMfaLogin(server.context, { mfaToken: step.mfaToken, code: await totpCode(secret, 1) })
  t.deepEqual((await server.client.validate(tokens.accessToken)).body.amr, ['fed', 'otp', 'mfa'])
  const session = await server.context.db('sessions').where({ id: tokens.sessionId }).first()
  t.is(session.amr, 'fed otp mfa')
})

serverTest('a link from the account page refused at the callback (the identity is someone else\'s) is a page whose way back is the account page', async (t, server) => {
  const { upstream } = await upstreamsOf(server)
  const sub = uniqueSub('taken-page')
  upstream.setAccount(sub, { email: uniqueEmail('taken-page'), emailVerified: true })
  const owner = signedIn(t, await signIn(server, 'plain', sub))
  const email = uniqueEmail('taken-linker')
  await registerUser(server.context, { email, password: TEST_PASSWORD })
  const browser = new FormBrowser()
  t.is((await signInOnPage(server, browser, email)).status, 303)
  const account = await (await browser.request(`${server.url}/account`)).text()
  const href = /href="(\/account\/sign-in\/plain\?link=[^"]+)"/.exec(account)?.[1]
  if (!href) return void t.fail('no "Link plain" on the account page')
  const started = await browser.request(`${server.url}${href}`)
  t.is(started.status, 303)
  const callback = await followToCallback(started.headers.get('location')!, upstream.signInHeader(sub), server.context.config.publicUrl)
  const refused = await browser.request(callback.replace(server.context.config.publicUrl, server.url))
  t.is(refused.status, 409)
  const words = await refused.text()
  t.regex(words, /already linked to another account/)
  t.regex(words, /<a href="\/account">Back to your account<\/a>/)
  t.like(await server.context.db('user_identities').where({ subject: sub }).first(), { user_id: owner.userId }, 'never moved')
})
