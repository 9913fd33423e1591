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
