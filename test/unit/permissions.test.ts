import test from 'ava'
import { DEFAULT_ROLE, mergePermissions } from '../../src/domain/permissions.js'

test('a new user\'s role is "user"', (t) => {
  t.is(DEFAULT_ROLE, 'user')
})

test('the permissions of several roles are each listed once, sorted', (t) => {
  t.deepEqual(mergePermissions(['user:write', 'admin:all', 'user:read', 'user:write', 'admin:all']), ['admin:all', 'user:read', 'user:write'])
  t.deepEqual(mergePermissions([]), [])
  t.deepEqual(mergePermissions(['user:read']), ['user:read'])
})

test('any iterable will do, and the order does not depend on the order of the grants', (t) => {
  const grants = ['users:delete', 'user:read', 'audit:read', 'user:write']
  const expected = ['audit:read', 'user:read', 'user:write', 'users:delete']
  t.deepEqual(mergePermissions(new Set(grants)), expected)
  t.deepEqual(mergePermissions([...grants].reverse()), expected)
  t.deepEqual(mergePermissions((function* () { yield* grants })()), expected)
})

test('names are compared exactly: case and spacing make different permissions', (t) => {
  t.deepEqual(mergePermissions(['user:read', 'User:read', 'user:read ']), ['User:read', 'user:read', 'user:read '])
})
