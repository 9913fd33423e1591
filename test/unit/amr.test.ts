import test from 'ava'
import { amrForPasskeyLogin, amrForSecondStep, keyMethod, parseAmr, PASSWORD_ONLY, serializeAmr } from '../../src/domain/amr.js'

const synced = { backedUp: true, userVerified: true }
const deviceBound = { backedUp: false, userVerified: true }

test('a password alone is "pwd", and that list cannot be changed by a caller', (t) => {
  t.deepEqual(PASSWORD_ONLY, ['pwd'])
  t.true(Object.isFrozen(PASSWORD_ONLY))
})

test('a synced passkey is a software-secured key, a device-bound one a hardware-secured key (RFC 8176)', (t) => {
  t.is(keyMethod(synced), 'swk')
  t.is(keyMethod(deviceBound), 'hwk')
  t.is(keyMethod({ backedUp: false, userVerified: false }), 'hwk', 'user verification does not change the key')
})

test('password then TOTP or a recovery code is pwd + otp + mfa', (t) => {
  t.deepEqual(amrForSecondStep('totp'), ['pwd', 'otp', 'mfa'])
  t.deepEqual(amrForSecondStep('recovery_code'), ['pwd', 'otp', 'mfa'])
})

test('password then a passkey is pwd + the key method + mfa, with or without user verification', (t) => {
  t.deepEqual(amrForSecondStep('passkey', synced), ['pwd', 'swk', 'mfa'])
  t.deepEqual(amrForSecondStep('passkey', deviceBound), ['pwd', 'hwk', 'mfa'])
  t.deepEqual(amrForSecondStep('passkey', { backedUp: false, userVerified: false }), ['pwd', 'hwk', 'mfa'])
})

test('a passkey alone is multi-factor only when the authenticator verified the user', (t) => {
  t.deepEqual(amrForPasskeyLogin(deviceBound), ['hwk', 'mfa'])
  t.deepEqual(amrForPasskeyLogin(synced), ['swk', 'mfa'])
  t.deepEqual(amrForPasskeyLogin({ backedUp: false, userVerified: false }), ['hwk'])
  t.deepEqual(amrForPasskeyLogin({ backedUp: true, userVerified: false }), ['swk'])
})

test('the stored form is space-separated and reads back the same', (t) => {
  t.is(serializeAmr(['pwd', 'otp', 'mfa']), 'pwd otp mfa')
  t.is(serializeAmr(PASSWORD_ONLY), 'pwd')
  t.is(serializeAmr([]), '')
  for (const amr of [['pwd'], ['pwd', 'otp', 'mfa'], ['hwk'], ['swk', 'mfa']]) t.deepEqual(parseAmr(serializeAmr(amr)), amr)
  // The longest stored value must fit the sessions.amr column, VARCHAR(64).
  t.true(serializeAmr(amrForSecondStep('passkey', synced)).length <= 64)
})

test('reading a stored amr: nothing stored is no method, and stray spaces are no method either', (t) => {
  t.deepEqual(parseAmr(null), [])
  t.deepEqual(parseAmr(undefined), [])
  t.deepEqual(parseAmr(''), [])
  t.deepEqual(parseAmr(' '), [])
  t.deepEqual(parseAmr('pwd  otp '), ['pwd', 'otp'])
})
