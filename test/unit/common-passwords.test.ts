import test from 'ava'
import { COMMON_PASSWORDS } from '../../src/domain/common-passwords.js'

test('the list holds the 1,000 most common passwords, most common first', (t) => {
  t.is(COMMON_PASSWORDS.size, 1000)
  const [first, second, third] = COMMON_PASSWORDS
  t.deepEqual([first, second, third], ['123456', 'password', '12345678'])
  t.true(COMMON_PASSWORDS.has('trustno1'))
  t.true(COMMON_PASSWORDS.has('1qaz2wsx3edc'))
})

test('no entry is empty or padded, so an empty or spaced password is not "common"', (t) => {
  t.false(COMMON_PASSWORDS.has(''))
  for (const entry of COMMON_PASSWORDS) t.is(entry, entry.trim(), JSON.stringify(entry))
})

test('every entry is in the form it is compared in: NFKC and lower-case, or it could never match', (t) => {
  for (const entry of COMMON_PASSWORDS) t.is(entry, entry.normalize('NFKC').toLowerCase(), JSON.stringify(entry))
  t.false(COMMON_PASSWORDS.has('Password'), 'the caller lower-cases; the set itself is exact')
})
