import test from 'ava'
import { parseUserRecord, userRecordLine } from '../../src/domain/user-record.js'

test('a full record parses, normalised; defaults for what is absent', (t) => {
  const parsed = parseUserRecord(JSON.stringify({ email: ' Ada@Example.COM ', email_verified: true, roles: ['admin', 'admin'], disabled: true, created_at: '2020-01-02T03:04:05Z', password_hash: '$2b$...', extra: 1 }))
  t.deepEqual(parsed.record, { email: 'ada@example.com', emailVerified: true, roles: ['admin'], disabled: true, createdAt: Date.parse('2020-01-02T03:04:05Z'), passwordHash: '$2b$...', passwordSalt: undefined })
  t.deepEqual(parseUserRecord('{"email":"b@example.com","password_hash":null}').record, { email: 'b@example.com', emailVerified: false, roles: [], disabled: false, createdAt: undefined, passwordHash: undefined, passwordSalt: undefined })
})

test('created_at: ISO 8601, epoch milliseconds as a number or a digit string; not a date in the future', (t) => {
  t.is(parseUserRecord('{"email":"a@example.com","created_at":1617295858000}').record?.createdAt, 1617295858000)
  t.is(parseUserRecord('{"email":"a@example.com","created_at":"1617295858000"}').record?.createdAt, 1617295858000)
  t.regex(parseUserRecord('{"email":"a@example.com","created_at":"yesterday"}').problems![0]!, /^created_at: /)
  t.regex(parseUserRecord(`{"email":"a@example.com","created_at":${Date.now() + 7 * 86_400_000}}`).problems![0]!, /not in the future/)
})

test('every problem of a line is named by its field', (t) => {
  t.deepEqual(parseUserRecord('{"email":"nope","email_verified":"yes","roles":"admin","disabled":1,"password_hash":5}').problems?.map((problem) => problem.split(':')[0]), ['email', 'email_verified', 'disabled', 'roles', 'password_hash'])
  t.deepEqual(parseUserRecord('[1]').problems, ['not a JSON object'])
  t.regex(parseUserRecord('{"email": ').problems![0]!, /^not JSON: /)
  t.deepEqual(parseUserRecord('{}').problems, ['email: required, a string'])
})

test('the export line reads back as the same record', (t) => {
  const line = userRecordLine({ email: 'a@example.com', emailVerified: true, roles: ['user', 'admin'], disabled: false, createdAt: 1_600_000_000_000, passwordHash: '$argon2id$x' })
  t.is(line, '{"email":"a@example.com","email_verified":true,"roles":["admin","user"],"disabled":false,"created_at":"2020-09-13T12:26:40.000Z","password_hash":"$argon2id$x"}')
  t.like(parseUserRecord(line).record, { email: 'a@example.com', emailVerified: true, roles: ['admin', 'user'], createdAt: 1_600_000_000_000, passwordHash: '$argon2id$x' })
  t.false(userRecordLine({ email: 'a@example.com', emailVerified: false, roles: [], disabled: false, createdAt: 0 }).includes('password_hash'))
})
