// The first proof of the mailbox (a reset or verification link) ends everything set up before it
// (docs/security.md, "Pre-account takeover"), identities at other providers included: before, a
// squatter's linked identity, or the one an untrusted provider made the account for, still signed in.
import test from 'ava'
import { beginUpstreamSignIn } from '../../../src/usecases/federation/begin-upstream-sign-in.js'
import { completeUpstreamSignIn } from '../../../src/usecases/federation/complete-upstream-sign-in.js'
import { requestPasswordReset } from '../../../src/usecases/recovery/request-password-reset.js'
import { resetPassword } from '../../../src/usecases/recovery/reset-password.js'
import { registerUser } from '../../../src/usecases/users/register-user.js'
import { serverTest, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'
import { upstreamPerServer } from '../../support/federation.js'
import { followToCallback } from '../../support/upstream-sign-in.js'

const upstreams = upstreamPerServer({
  // A well-behaved provider, trusted for addresses: the squatter's own, honest account there.
  corp: { trustEmail: true, trustMfa: false, autoLink: false, createAccounts: true },
  // A provider not trusted for addresses (Microsoft's nOAuth case): the address it gives is never verified here.
  loose: { trustEmail: false, trustMfa: false, autoLink: false, createAccounts: true },
})
test.after.always(() => upstreams.close())
const upstreamOf = (server: TestServer) => upstreams.of(server)

let sequence = 0
const uniqueSub = (label: string) => `${label}-${process.pid}-${++sequence}`

async function upstreamFlow(server: TestServer, provider: string, sub: string, linkToUserId?: string) {
  const upstream = await upstreamOf(server)
  const begun = await beginUpstreamSignIn(server.context, { provider, linkToUserId })
  const callbackUrl = await followToCallback(begun.authorizationUrl, upstream.signInHeader(sub), server.context.config.publicUrl)
  return completeUpstreamSignIn(server.context, { callbackUrl, flowId: begun.flowId, accountUserId: linkToUserId })
}

/** The owner of the mailbox takes the account back with a reset link (the token read from the outbox). */
async function ownerResets(server: TestServer, email: string): Promise<string[]> {
  const { mailId } = await requestPasswordReset(server.context, { email })
  const mail = await server.context.db('mail_outbox').where({ id: mailId }).first()
  const token = new URLSearchParams(String(JSON.parse(mail.data).link_path).split('?')[1]).get('token')!
  const reset = await resetPassword(server.context, { token, newPassword: 'Owner-New-Pass-789' })
  if (!reset.endedAtFirstProof) throw new Error('expected the reset to be the first proof of the mailbox')
  return reset.endedAtFirstProof.identities
}

serverTest('an upstream identity a squatter linked from the account page is unlinked at the owner\'s first proof of the mailbox', async (t, server) => {
  const upstream = await upstreamOf(server)
  const victim = uniqueEmail('victim')
  // The squatter registers the victim's address (never proven) and, signed in, links their own upstream account.
  const { userId } = await registerUser(server.context, { email: victim, password: TEST_PASSWORD })
  const squatterSub = uniqueSub('squatter')
  upstream.setAccount(squatterSub, { email: uniqueEmail('squatter-own'), emailVerified: true })
  const linked = await upstreamFlow(server, 'corp', squatterSub, userId)
  t.like(linked, { kind: 'linked', userId })

  // The owner proves the mailbox for the first time: "whoever signed up first loses everything".
  t.deepEqual(await ownerResets(server, victim), ['corp'])
  t.is((await server.context.db('audit_events').where({ type: 'federation.identity_unlinked', user_id: userId, event_type: 'identity.unlinked' })).length, 1)
  const user = await server.context.users.findUserById(userId)
  t.not(user?.email_verified_at, null)

  const after = await upstreamFlow(server, 'corp', squatterSub)
  t.false(after.kind === 'signed-in' && after.userId === userId, `the squatter's upstream identity still signs in to the owner's account: ${JSON.stringify(after)}`)
})

serverTest('an account an untrusted provider made with someone\'s address loses that identity at the owner\'s first proof', async (t, server) => {
  const upstream = await upstreamOf(server)
  const victim = uniqueEmail('victim-noauth')
  // The attacker's account at a provider not trusted for addresses claims the victim's address: a new, unverified account.
  const attackerSub = uniqueSub('noauth')
  upstream.setAccount(attackerSub, { email: victim, emailVerified: false })
  const first = await upstreamFlow(server, 'loose', attackerSub)
  if (first.kind !== 'signed-in') return void t.fail(JSON.stringify(first))
  t.is((await server.context.users.findUserById(first.userId))?.email_verified_at, null)

  // The real owner uses "forgot password", sets a password: the first proof of the mailbox.
  t.deepEqual(await ownerResets(server, victim), ['loose'])
  const after = await upstreamFlow(server, 'loose', attackerSub)
  t.false(after.kind === 'signed-in' && after.userId === first.userId, `the attacker's identity still signs in to the owner's account: ${JSON.stringify(after)}`)
})
