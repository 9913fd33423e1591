import test from 'ava'
import { loadLocales } from '../../src/infra/i18n/catalogues.js'

const en = loadLocales().translator('en')
import { methodsInWords } from '../../src/http/pages/account/shared.js'
import { scopeInWords } from '../../src/http/pages/oidc/templates.js'

test('amr values in words: only the known ones, never a property every object has', (t) => {
  t.is(methodsInWords(en, ['pwd', 'otp', 'mfa']), 'password + one-time code')
  t.is(methodsInWords(en, ['constructor', 'toString', '__proto__']), 'signed in by an operator')
})

test('scope descriptions: a scope named like an object property has none', (t) => {
  t.is(scopeInWords(en, 'email'), 'See your email address')
  for (const scope of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) t.is(scopeInWords(en, scope), scope, scope)
})
