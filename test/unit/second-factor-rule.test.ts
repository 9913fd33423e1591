import test from 'ava'
import { amrForPasskeyLogin, amrForSecondStep, PASSWORD_ONLY, serializeAmr } from '../../src/domain/amr.js'
import { isMultiFactor, requiresMultiFactor, rolesWithheldFrom } from '../../src/domain/second-factor-rule.js'

const REQUIRED = ['admin', 'auditor']

test('a sign-in is multi-factor exactly when its amr carries "mfa"', (t) => {
  t.true(isMultiFactor(['pwd', 'otp', 'mfa']))
  t.true(isMultiFactor(['hwk', 'mfa']))
  t.false(isMultiFactor(['pwd']))
  t.false(isMultiFactor(['swk']), 'a passkey without user verification is one factor')
  t.false(isMultiFactor(['pwd', 'otp']), 'two methods without "mfa" are not counted as two factors')
  t.false(isMultiFactor([]))
  t.false(isMultiFactor(['MFA']), 'amr values are case-sensitive (RFC 8176)')
})

test('a one-factor session loses every required role; a multi-factor one none', (t) => {
  t.deepEqual(rolesWithheldFrom(serializeAmr(PASSWORD_ONLY), REQUIRED), REQUIRED)
  t.deepEqual(rolesWithheldFrom(serializeAmr(amrForPasskeyLogin({ backedUp: true, userVerified: false })), REQUIRED), REQUIRED)
  t.deepEqual(rolesWithheldFrom(serializeAmr(amrForSecondStep('totp')), REQUIRED), [])
  t.deepEqual(rolesWithheldFrom(serializeAmr(amrForSecondStep('recovery_code')), REQUIRED), [])
  t.deepEqual(rolesWithheldFrom(serializeAmr(amrForSecondStep('totp', undefined, 'fed')), REQUIRED), [], 'another identity provider, then a code here')
  t.deepEqual(rolesWithheldFrom(serializeAmr(amrForPasskeyLogin({ backedUp: false, userVerified: true })), REQUIRED), [])
})

test('the stored amr is read as space-separated words: "mfa" must be one of them', (t) => {
  t.deepEqual(rolesWithheldFrom('pwd otp mfa', REQUIRED), [])
  t.deepEqual(rolesWithheldFrom(' mfa ', REQUIRED), [])
  t.deepEqual(rolesWithheldFrom('pwd mfax', REQUIRED), REQUIRED)
  t.deepEqual(rolesWithheldFrom('pwd,mfa', REQUIRED), REQUIRED)
  t.deepEqual(rolesWithheldFrom('', REQUIRED), REQUIRED, 'a sign-in that recorded no method is not multi-factor')
})

test('a session opened without a sign-in (no amr stored) and an empty rule withhold nothing', (t) => {
  t.deepEqual(rolesWithheldFrom(null, REQUIRED), [])
  t.deepEqual(rolesWithheldFrom(undefined, REQUIRED), [])
  t.deepEqual(rolesWithheldFrom('pwd', []), [])
  t.true(Object.isFrozen(rolesWithheldFrom(null, REQUIRED)), 'the shared empty answer cannot be changed by a caller')
})

test('a user must sign in with two factors when any of their roles is required to', (t) => {
  t.true(requiresMultiFactor(['user', 'admin'], REQUIRED))
  t.true(requiresMultiFactor(['auditor'], REQUIRED))
  t.false(requiresMultiFactor(['user'], REQUIRED))
  t.false(requiresMultiFactor([], REQUIRED))
  t.false(requiresMultiFactor(['admin'], []))
  t.false(requiresMultiFactor(['Admin'], REQUIRED), 'role names are compared exactly')
})

test('the second step names the first factor it followed: a password here, or another identity provider', (t) => {
  t.deepEqual(amrForSecondStep('totp'), ['pwd', 'otp', 'mfa'])
  t.deepEqual(amrForSecondStep('recovery_code', undefined, 'fed'), ['fed', 'otp', 'mfa'])
  t.deepEqual(amrForSecondStep('passkey', { backedUp: false, userVerified: true }, 'fed'), ['fed', 'hwk', 'mfa'])
})
