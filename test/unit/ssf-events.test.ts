// domain/ssf.ts: which catalogue events become which CAEP events, with which subject; the SET's claims.
import test from 'ava'
import { caepEventOf, CREDENTIAL_CHANGE, SESSION_REVOKED, setClaimsOf, sourceTypesOf, TOKEN_CLAIMS_CHANGE } from '../../src/domain/ssf.js'

const at = Date.UTC(2026, 11, 6, 3, 0, 0)
const of = (eventType: string, payload: Record<string, unknown>) => caepEventOf({ eventType, payload, createdAt: at }, 'heimdall')
const user = { format: 'iss_sub', iss: 'heimdall', sub: 'u1' }

test('one session ended: session-revoked with the complex subject { user, session }; several: the user alone', (t) => {
  t.deepEqual(of('session.revoked', { user_id: 'u1', session_id: 's1', reason: 'logout', count: 1 }), {
    uri: SESSION_REVOKED,
    subject: { format: 'complex', user, session: { format: 'opaque', id: 's1' } },
    claims: { initiating_entity: 'user', reason_admin: { en: 'logout' } },
  })
  t.like(of('session.revoked', { user_id: 'u1', session_id: null, reason: 'logout-all', count: 3 }), { uri: SESSION_REVOKED, subject: user })
  t.like(of('session.revoked', { user_id: 'u1', session_id: 's1', reason: 'refresh-reuse', count: 1 }), { claims: { initiating_entity: 'policy' } })
  t.is(of('session.revoked', { user_id: null, session_id: 's1', reason: 'admin', count: 1 }), undefined)
})

test('a disabled or deleted account and a reset revoke every session of the user; credentials and roles have their own CAEP events', (t) => {
  for (const type of ['user.disabled', 'user.deleted', 'password.reset']) t.like(of(type, { user_id: 'u1', revoked_sessions: 2 }), { uri: SESSION_REVOKED, subject: user })
  t.like(of('password.changed', { user_id: 'u1', by: 'self', revoked_sessions: 1 }), { uri: CREDENTIAL_CHANGE, claims: { credential_type: 'password', change_type: 'update' } })
  t.like(of('passkey.added', { user_id: 'u1', passkey_id: 'p' }), { uri: CREDENTIAL_CHANGE, claims: { credential_type: 'fido2-platform', change_type: 'create' } })
  t.like(of('mfa.removed', { user_id: 'u1', method: 'all', by: 'operator' }), { uri: CREDENTIAL_CHANGE, claims: { credential_type: 'app', change_type: 'delete' } })
  t.deepEqual(of('role.granted', { user_id: 'u1', role: 'admin' })?.claims, { claims: { roles: { granted: 'admin' } } })
  t.is(of('role.revoked', { user_id: 'u1', role: 'admin' })?.uri, TOKEN_CLAIMS_CHANGE)
  t.is(of('user.created', { user_id: 'u1', email: 'a@b.c', roles: [], by: 'self' }), undefined)
})

test('a stream reads the catalogue types behind the CAEP types it delivers; the SET carries iss, aud, iat, jti, txn, sub_id and events with event_timestamp in seconds', (t) => {
  t.deepEqual(sourceTypesOf([SESSION_REVOKED]).sort(), ['password.reset', 'session.revoked', 'user.deleted', 'user.disabled'])
  t.deepEqual(sourceTypesOf(['https://example.com/unknown']), [])
  const event = of('session.revoked', { user_id: 'u1', session_id: null, reason: 'disable', count: 1 })!
  t.deepEqual(setClaimsOf({ issuer: 'https://auth.example.com', audience: 'c1', eventId: 'evt_1', issuedAt: 100, event, occurredAt: at + 999 }), {
    iss: 'https://auth.example.com',
    aud: 'c1',
    iat: 100,
    jti: 'evt_1',
    txn: 'evt_1',
    sub_id: user,
    events: { [SESSION_REVOKED]: { event_timestamp: at / 1000, initiating_entity: 'admin', reason_admin: { en: 'disable' } } },
  })
})
