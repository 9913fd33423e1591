import test from 'ava'
import { hasPassword, NO_PASSWORD } from '../../src/domain/no-password.js'
import { secondFactorSatisfiedUpstream } from '../../src/domain/upstream-mfa.js'
import { microsoftTenantIssuer, PRESETS } from '../../src/infra/federation/presets.js'
import { upstreamUrlProblem } from '../../src/infra/federation/upstream-url.js'
import { checkProviderInput, type ProviderInput } from '../../src/usecases/federation/check-provider-input.js'

const BASE: ProviderInput = { name: 'corp', clientId: 'id', clientSecret: 'secret', trustEmail: false, trustMfa: false, autoLink: false, createAccounts: true }

test('upstream URLs: https anywhere, plain http on loopback hosts only', (t) => {
  t.is(upstreamUrlProblem('https://idp.example.com/realms/x'), undefined)
  for (const loopback of ['http://127.0.0.1:8080', 'http://localhost:3000/x', 'http://[::1]:9000']) t.is(upstreamUrlProblem(loopback), undefined, loopback)
  t.regex(upstreamUrlProblem('http://idp.example.com')!, /must use https/)
  t.regex(upstreamUrlProblem('http://127.0.0.1.example.com')!, /must use https/)
  t.regex(upstreamUrlProblem('ftp://idp.example.com')!, /must use https/)
  t.regex(upstreamUrlProblem('https://user:pw@idp.example.com')!, /user name or password/)
  t.regex(upstreamUrlProblem('https://idp.example.com/?x=1')!, /query or fragment/)
  t.regex(upstreamUrlProblem('idp.example.com')!, /absolute URL/)
})

test('the second factor is done upstream only when trusted and amr or acr says mfa', (t) => {
  t.true(secondFactorSatisfiedUpstream(true, ['pwd', 'mfa'], null))
  t.true(secondFactorSatisfiedUpstream(true, [], 'http://schemas.openid.net/pape/policies/2007/06/multi-factor'))
  t.false(secondFactorSatisfiedUpstream(false, ['pwd', 'mfa'], 'mfa'))
  t.false(secondFactorSatisfiedUpstream(true, ['pwd', 'otp'], null))
  t.false(secondFactorSatisfiedUpstream(true, ['pwd'], 'urn:example:loa:1'))
})

test('an account without a password is marked so, and no bcrypt hash looks like the mark', (t) => {
  t.false(hasPassword(NO_PASSWORD))
  t.true(hasPassword('$2b$10$abcdefghijklmnopqrstuu'))
})

test('provider input: presets fill the issuer and scopes; openid is always asked of an OpenID Connect issuer', (t) => {
  const google = checkProviderInput({ ...BASE, preset: 'google', trustEmail: true })
  t.deepEqual(google.problems, [])
  t.like(google.checked, { kind: 'oidc', issuer: PRESETS.google.issuer, buttonLabel: 'Continue with Google' })
  const github = checkProviderInput({ ...BASE, preset: 'github' })
  t.like(github.checked, { kind: 'github', issuer: 'https://github.com', scopes: ['read:user', 'user:email'] })
  const generic = checkProviderInput({ ...BASE, issuer: 'https://idp.example.com/', scopes: ['email groups'] })
  t.like(generic.checked, { issuer: 'https://idp.example.com', scopes: ['openid', 'email', 'groups'], buttonLabel: null })
})

test('provider input: Microsoft\'s address is never trusted, auto-link needs trust, names and scopes are checked', (t) => {
  const fields = (input: Partial<ProviderInput>) => checkProviderInput({ ...BASE, ...input }).problems.map((problem) => problem.loc[0])
  t.deepEqual(fields({ preset: 'microsoft', trustEmail: true }), ['trust_email'])
  t.deepEqual(fields({ preset: 'google', autoLink: true }), ['auto_link'])
  t.deepEqual(fields({ preset: 'google', name: 'Has Space' }), ['name'])
  t.deepEqual(fields({ preset: 'google', name: 'link' }), ['name'], '/account/sign-in/link is the link page')
  t.deepEqual(fields({ preset: 'google', scopes: ['bad"scope'] }), ['scopes'])
  t.deepEqual(fields({ preset: 'nope' }), ['preset', 'issuer'])
  t.deepEqual(fields({ issuer: 'https://idp.example.com', apiBaseUrl: 'https://api.example.com' }), ['api_base_url'])
  t.is(microsoftTenantIssuer('9188040d-6c67-4c5b-b112-36a304b66dad'), 'https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0')
})
