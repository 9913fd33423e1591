import test from 'ava'
import { DURATION_RANGES, formatDuration, MAX_TIMER_MS, parseDuration, TIMER_RANGES } from '../../src/domain/durations.js'

test('durations are read in seconds, minutes, hours and days within their range', (t) => {
  const range = { min: 1, max: 86400 }
  t.deepEqual(parseDuration('900', range), { seconds: 900 })
  t.deepEqual(parseDuration('15m', range), { seconds: 900 })
  t.deepEqual(parseDuration(' 1d ', range), { seconds: 86400 })
  t.regex(parseDuration('25h', range).problem!, /between 1s and 1d/)
  t.regex(parseDuration('0', range).problem!, /between/)
  t.regex(parseDuration('1.5h', range).problem!, /must be a duration/)
  t.regex(parseDuration('9'.repeat(400), range).problem!, /between/, 'a number too long for a double is out of range, not Infinity')
})

test('no range of a duration that becomes a timer reaches past what a Node timer holds', (t) => {
  for (const range of TIMER_RANGES) t.true(range.max * 1000 <= MAX_TIMER_MS, formatDuration(range.max))
  t.is(MAX_TIMER_MS, 2147483647)
  t.is(formatDuration(DURATION_RANGES.refreshToken.max), '366d')
})

test('both ends of a range are inclusive, in any unit', (t) => {
  const { resetToken, emailToken, refreshToken, headersTimeout, replicaMaxLag, auditSince } = DURATION_RANGES
  t.deepEqual(parseDuration('60', resetToken), { seconds: 60 })
  t.deepEqual(parseDuration('1m', resetToken), { seconds: 60 })
  t.is(parseDuration('59s', resetToken).problem, 'must be between 1m and 1d (got "59s")')
  t.deepEqual(parseDuration('5m', emailToken), { seconds: 300 })
  t.is(parseDuration('299', emailToken).problem, 'must be between 5m and 7d (got "299")')
  t.is(parseDuration('4m', emailToken).problem, 'must be between 5m and 7d (got "4m")')
  t.deepEqual(parseDuration('7d', emailToken), { seconds: 604_800 })
  t.deepEqual(parseDuration('168h', emailToken), { seconds: 604_800 })
  t.is(parseDuration('169h', emailToken).problem, 'must be between 5m and 7d (got "169h")')
  t.deepEqual(parseDuration('8784h', refreshToken), { seconds: 366 * 86_400 })
  t.is(parseDuration('8785h', refreshToken).problem, 'must be between 1s and 366d (got "8785h")')
  t.deepEqual(parseDuration('10m', headersTimeout), { seconds: 600 })
  t.is(parseDuration('601', headersTimeout).problem, 'must be between 1s and 10m (got "601")')
  t.deepEqual(parseDuration('0', replicaMaxLag), { seconds: 0 })
  t.deepEqual(parseDuration('0h', replicaMaxLag), { seconds: 0 })
  t.deepEqual(parseDuration('3660d', auditSince), { seconds: 3660 * 86_400 })
  t.is(parseDuration('3661d', auditSince).problem, 'must be between 1s and 3660d (got "3661d")')
})

test('only ASCII digits and a lower-case unit, with spaces around or before the unit', (t) => {
  const range = { min: 1, max: 86_400 }
  t.deepEqual(parseDuration('15 m', range), { seconds: 900 })
  t.deepEqual(parseDuration('\t15m\n', range), { seconds: 900 })
  t.deepEqual(parseDuration('0015m', range), { seconds: 900 }, 'leading zeros are still decimal')
  for (const raw of ['', ' ', 'm', '15M', '15 min', '15mm', '+15', '-15', '1e3', '0x10', '15m30s', '\uFF11\uFF15m', '\u0661\u0665']) {
    t.is(parseDuration(raw, range).problem, `must be a duration such as 900, 15m, 1h or 30d (got "${raw}")`, JSON.stringify(raw))
  }
})

test('a duration is written in the largest unit that divides it', (t) => {
  t.is(formatDuration(0), '0s')
  t.is(formatDuration(1), '1s')
  t.is(formatDuration(59), '59s')
  t.is(formatDuration(60), '1m')
  t.is(formatDuration(90), '90s')
  t.is(formatDuration(5400), '90m')
  t.is(formatDuration(7200), '2h')
  t.is(formatDuration(86_400), '1d')
  t.is(formatDuration(90_000), '25h')
  t.is(formatDuration(86_401), '86401s')
})
