import test from 'ava'
import { sessionProblem, type SessionState } from '../../src/domain/session-state.js'

// Epoch milliseconds: 2026-12-05T12:00:00Z.
const NOW = Date.UTC(2026, 11, 5, 12)

const live: SessionState = {
  sessionId: 's-1',
  userId: 'u-1',
  email: 'ada@example.com',
  emailVerified: true,
  permissions: ['user:read'],
  userDisabled: false,
  expiresAt: NOW + 15 * 60 * 1000,
  revokedAt: null,
}

const NOT_FOUND = { code: 'token.invalid', message: 'Session not found' }
const REVOKED = { code: 'session.revoked', message: 'Session has been revoked' }
const EXPIRED = { code: 'token.expired', message: 'Session has expired' }
const DISABLED = { code: 'user.disabled', message: 'User is disabled' }

test('a live session of the token\'s user stands', (t) => {
  t.is(sessionProblem(live, 'u-1', NOW), undefined)
  t.is(sessionProblem({ ...live, emailVerified: false, permissions: [] }, 'u-1', NOW), undefined, 'neither an unverified email nor no permission ends a session')
})

test('a missing session, or another user\'s, is "not found", not a hint that it exists', (t) => {
  t.deepEqual(sessionProblem(null, 'u-1', NOW), NOT_FOUND)
  t.deepEqual(sessionProblem(live, 'u-2', NOW), NOT_FOUND)
  t.deepEqual(sessionProblem(live, '', NOW), NOT_FOUND)
})

test('a session expires at its expiry millisecond, not one later', (t) => {
  t.is(sessionProblem({ ...live, expiresAt: NOW + 1 }, 'u-1', NOW), undefined)
  t.deepEqual(sessionProblem({ ...live, expiresAt: NOW }, 'u-1', NOW), EXPIRED)
  t.deepEqual(sessionProblem({ ...live, expiresAt: NOW - 1 }, 'u-1', NOW), EXPIRED)
  // Times are milliseconds: an expiry in epoch seconds is long past.
  t.deepEqual(sessionProblem({ ...live, expiresAt: Math.floor(NOW / 1000) + 900 }, 'u-1', NOW), EXPIRED)
})

test('any revocation ends a session, even one dated in the future or at the epoch', (t) => {
  t.deepEqual(sessionProblem({ ...live, revokedAt: NOW - 1000 }, 'u-1', NOW), REVOKED)
  t.deepEqual(sessionProblem({ ...live, revokedAt: NOW + 1000 }, 'u-1', NOW), REVOKED)
  t.deepEqual(sessionProblem({ ...live, revokedAt: 0 }, 'u-1', NOW), REVOKED)
})

test('a disabled user\'s session no longer stands', (t) => {
  t.deepEqual(sessionProblem({ ...live, userDisabled: true }, 'u-1', NOW), DISABLED)
})

test('problems are checked in order: unknown, revoked, expired, disabled', (t) => {
  const everything = { ...live, revokedAt: NOW - 1, expiresAt: NOW - 1, userDisabled: true }
  t.deepEqual(sessionProblem(everything, 'u-2', NOW), NOT_FOUND)
  t.deepEqual(sessionProblem(everything, 'u-1', NOW), REVOKED)
  t.deepEqual(sessionProblem({ ...everything, revokedAt: null }, 'u-1', NOW), EXPIRED)
  t.deepEqual(sessionProblem({ ...everything, revokedAt: null, expiresAt: NOW + 1 }, 'u-1', NOW), DISABLED)
})

test('the answers are shared and cannot be changed by a caller', (t) => {
  t.true(Object.isFrozen(sessionProblem(null, 'u-1', NOW)))
  t.is(sessionProblem(null, 'u-1', NOW), sessionProblem(live, 'u-2', NOW))
})
