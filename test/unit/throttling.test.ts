import test from 'ava'
import { loginFailuresKey, loginLockoutKey, rateLimitKey, retryAfterSeconds } from '../../src/domain/throttling.js'
import { normalizeEmail } from '../../src/domain/email.js'

test('the counters\' keys name what they count', (t) => {
  t.is(loginLockoutKey('ada@example.com'), 'login:ada@example.com')
  t.is(loginFailuresKey('ada@example.com'), 'login-failed:ada@example.com')
  t.is(rateLimitKey('login', '192.0.2.1'), 'rate:login:192.0.2.1')
  t.is(rateLimitKey('login', '2001:db8::1'), 'rate:login:2001:db8::1')
})

test('one account has one lockout key however its email is typed, once normalised', (t) => {
  t.is(loginLockoutKey(normalizeEmail('  Ada@Example.COM ')), loginLockoutKey('ada@example.com'))
  t.is(loginFailuresKey(normalizeEmail('ADA@example.com')), loginFailuresKey('ada@example.com'))
})

test('the three kinds of key never share a name', (t) => {
  const emails = ['ada@example.com', 'failed:ada@example.com', 'rate:x@example.com', '']
  const keys = [
    ...emails.map(loginLockoutKey),
    ...emails.map(loginFailuresKey),
    rateLimitKey('login', 'ada@example.com'),
    rateLimitKey('login-failed', 'ada@example.com'),
  ]
  t.is(new Set(keys).size, keys.length)
})

test('Retry-After is whole seconds, rounded up, never below 1 (RFC 9110 section 10.2.3)', (t) => {
  t.is(retryAfterSeconds(0), 1, 'nothing left still says come back in a second, not now')
  t.is(retryAfterSeconds(-500), 1)
  t.is(retryAfterSeconds(1), 1)
  t.is(retryAfterSeconds(999), 1)
  t.is(retryAfterSeconds(1000), 1)
  t.is(retryAfterSeconds(1001), 2)
  t.is(retryAfterSeconds(1500), 2)
  t.is(retryAfterSeconds(59_999), 60)
  t.is(retryAfterSeconds(60_000), 60)
  t.is(retryAfterSeconds(900_000), 900, 'a 15-minute lockout window')
  t.true(Number.isInteger(retryAfterSeconds(1234.5)))
  t.is(retryAfterSeconds(1234.5), 2)
})
