import test from 'ava'
import { methodsInWords } from '../../src/http/pages/account/shared.js'
import { SCOPE_DESCRIPTIONS } from '../../src/http/pages/oidc/templates.js'

test('amr values in words: only the known ones, never a property every object has', (t) => {
  t.is(methodsInWords(['pwd', 'otp', 'mfa']), 'password + one-time code')
  t.is(methodsInWords(['constructor', 'toString', '__proto__']), 'signed in by an operator')
})

test('scope descriptions: a scope named like an object property has none', (t) => {
  t.is(SCOPE_DESCRIPTIONS.email, 'See your email address')
  for (const scope of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) t.is(SCOPE_DESCRIPTIONS[scope] as string | undefined, undefined, scope)
})
