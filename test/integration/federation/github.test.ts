import test from 'ava'
import { completeUpstreamSignIn } from '../../../src/usecases/federation/complete-upstream-sign-in.js'
import { createProvider } from '../../../src/usecases/federation/create-provider.js'
import { serverTest, uniqueEmail, type TestServer } from '../../support/server.js'
import { startGithubStandIn, type GithubStandIn } from '../../support/github-stand-in.js'
import { signInUpstream } from '../../support/upstream-sign-in.js'

// The github preset (plain OAuth 2 and GitHub's REST API) against a local stand-in that speaks
// GitHub's documented endpoints (test/support/github-stand-in.ts): GitHub itself cannot be reached.

const standIns = new Map<TestServer, Promise<GithubStandIn>>()
const started: GithubStandIn[] = []
test.after.always(async () => {
  await Promise.all(started.map((standIn) => standIn.close()))
})

function standInOf(server: TestServer): Promise<GithubStandIn> {
  let standIn = standIns.get(server)
  if (!standIn) {
    standIn = (async () => {
      const github = await startGithubStandIn()
      started.push(github)
      await createProvider(server.context, {
        name: 'github',
        preset: 'github',
        issuer: github.url,
        apiBaseUrl: github.url,
        clientId: github.clientId,
        clientSecret: github.clientSecret,
        trustEmail: true,
        trustMfa: false,
        autoLink: false,
        createAccounts: true,
      })
      return github
    })()
    standIns.set(server, standIn)
  }
  return standIn
}

let sequence = 0
function account(label: string, emails: Array<{ email: string; primary: boolean; verified: boolean }>) {
  const id = 1_000_000 + process.pid * 100 + ++sequence
  return { id, login: `${label}-${id}`, emails }
}

serverTest('the github preset signs in with the primary verified address only, keyed on the numeric id', async (t, server) => {
  const github = await standInOf(server)
  const primary = uniqueEmail('gh-primary')
  const person = account('octo', [
    { email: uniqueEmail('gh-secondary'), primary: false, verified: true },
    { email: primary, primary: true, verified: true },
  ])
  github.setAccount(person)
  const first = await completeUpstreamSignIn(server.context, await signInUpstream(server.context, 'github', github.signInHeader(person.login)))
  if (first.kind !== 'signed-in') return void t.fail(JSON.stringify(first))
  t.true(first.created)
  const user = await server.context.users.findUserById(first.userId)
  t.is(user?.email, primary)
  t.not(user?.email_verified_at, null)
  const [identity] = await server.context.db('user_identities').where({ user_id: first.userId })
  t.is(identity.subject, String(person.id))

  const again = await completeUpstreamSignIn(server.context, await signInUpstream(server.context, 'github', github.signInHeader(person.login)))
  t.like(again, { kind: 'signed-in', userId: first.userId, created: false })
})

serverTest('a GitHub account whose primary address is unverified gives no address, even with another verified one', async (t, server) => {
  const github = await standInOf(server)
  const person = account('unverified', [
    { email: uniqueEmail('gh-unverified-primary'), primary: true, verified: false },
    { email: uniqueEmail('gh-verified-other'), primary: false, verified: true },
  ])
  github.setAccount(person)
  await t.throwsAsync(completeUpstreamSignIn(server.context, await signInUpstream(server.context, 'github', github.signInHeader(person.login))), { code: 'federation.email_missing' })
})

serverTest('a GitHub code used twice is refused by the stand-in\'s token endpoint, and a forged state before that', async (t, server) => {
  const github = await standInOf(server)
  const person = account('replay', [{ email: uniqueEmail('gh-replay'), primary: true, verified: true }])
  github.setAccount(person)
  const flow = await signInUpstream(server.context, 'github', github.signInHeader(person.login))
  const forged = new URL(flow.callbackUrl)
  forged.searchParams.set('state', 'forged')
  await t.throwsAsync(completeUpstreamSignIn(server.context, { callbackUrl: forged.href, flowId: flow.flowId }), { code: 'federation.invalid_callback' })
  const second = await signInUpstream(server.context, 'github', github.signInHeader(person.login))
  const code = new URL(second.callbackUrl).searchParams.get('code')!
  t.is((await completeUpstreamSignIn(server.context, second)).kind, 'signed-in')
  // The same code with a fresh flow's state: the code is spent at GitHub.
  const third = await signInUpstream(server.context, 'github', github.signInHeader(person.login))
  const reused = new URL(third.callbackUrl)
  reused.searchParams.set('code', code)
  await t.throwsAsync(completeUpstreamSignIn(server.context, { callbackUrl: reused.href, flowId: third.flowId }), { code: 'federation.upstream_refused' })
})
