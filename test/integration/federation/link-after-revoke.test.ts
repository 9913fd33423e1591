// A "Link" started from the account page finishes only with a live account session of that user:
// before, whoever held someone's page session for a moment could start a link, let the owner's
// logout-all (or password change) end that session, and still finish it with their own upstream
// account, a way in that outlived both.
import test from 'ava'
import { registerUser } from '../../../src/usecases/users/register-user.js'
import { serverTest, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'
import { FormBrowser, formsOf } from '../../support/oidc-http-sign-in.js'
import { upstreamPerServer } from '../../support/federation.js'
import { followToCallback } from '../../support/upstream-sign-in.js'

const upstreams = upstreamPerServer({ corp: { trustEmail: false, trustMfa: false, autoLink: false, createAccounts: true } })
test.after.always(() => upstreams.close())
const upstreamOf = (server: TestServer) => upstreams.of(server)

serverTest('a "Link" started from an account session that is revoked before the upstream answers links nothing', async (t, server) => {
  const upstream = await upstreamOf(server)
  const email = uniqueEmail('victim')
  const { userId } = await registerUser(server.context, { email, password: TEST_PASSWORD })
  // The attacker holds the victim's page session (a stolen cookie, an unlocked browser).
  const attacker = new FormBrowser()
  const page = await attacker.request(`${server.url}/account/login`)
  const form = formsOf(await page.text()).find((candidate) => candidate.action === '/account/login')!
  t.is((await attacker.request(`${server.url}/account/login`, { form: { ...form.fields, email, password: TEST_PASSWORD } })).status, 303)
  const account = await (await attacker.request(`${server.url}/account`)).text()
  const linkHref = /href="(\/account\/sign-in\/corp\?link=[^"]+)"/.exec(account)?.[1]
  t.truthy(linkHref, 'the account page offers "Link corp"')
  const started = await attacker.request(`${server.url}${linkHref!.replace(/&amp;/g, '&')}`)
  t.is(started.status, 303)
  const authorizationUrl = started.headers.get('location')!

  // The owner notices and ends every session (logout-all: the API's, the same as the account page's).
  const owner = await server.client.login(email, TEST_PASSWORD)
  t.is(owner.statusCode, 200)
  t.is((await server.client.logoutAll((owner.body as { access_token: string }).access_token)).statusCode, 204)
  t.is((await attacker.request(`${server.url}/account`)).status, 303, "the attacker's page session is over")

  // The attacker finishes the link the revoked session started, with their own upstream account.
  const sub = `attacker-${process.pid}-${Date.now()}`
  upstream.setAccount(sub, { email: uniqueEmail('attacker'), emailVerified: true })
  const callbackUrl = await followToCallback(authorizationUrl, upstream.signInHeader(sub), server.context.config.publicUrl)
  const answer = new URL(callbackUrl)
  await attacker.request(`${server.url}${answer.pathname}${answer.search}`)
  const linked = await server.context.db('user_identities').where({ user_id: userId })
  t.deepEqual(linked, [], "the attacker's upstream identity got linked to the victim's account by a session already revoked: a way back in that outlives logout-all")
})
