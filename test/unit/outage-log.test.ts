import test from 'ava'
import { createLogger } from '../../src/infra/logger.js'
import { createOutageLog, OUTAGE_REMINDER_MS } from '../../src/infra/outage-log.js'

/** An outage log on a clock the test moves, writing real JSON lines into an array. */
function outageOnClock() {
  const lines: string[] = []
  const clock = { now: 1_000_000 }
  const logger = createLogger({ level: 'info', format: 'json', destination: { write: (line: string) => void lines.push(line) } })
  const outage = createOutageLog({
    logger,
    dependency: 'database',
    startMessage: 'database unavailable',
    reminderMessage: 'database still unavailable',
    endMessage: 'database available again',
    now: () => clock.now,
  })
  const parsed = () => lines.map((line) => JSON.parse(line) as { level: number; msg: string; outage_ms?: number; failures?: number; dependency: string; err?: { stack: string } })
  return { outage, clock, parsed }
}

test('an outage of several minutes with a failure every 250 ms logs its start, one reminder a minute and its end with its length', (t) => {
  const { outage, clock, parsed } = outageOnClock()
  const lengthMs = 3 * OUTAGE_REMINDER_MS + 30_000
  for (let elapsed = 0; elapsed < lengthMs; elapsed += 250) {
    clock.now += 250
    outage.down(new Error('connect ECONNREFUSED 127.0.0.1:3306'))
  }
  t.true(outage.isDown)
  outage.up()
  outage.up() // a second success is no news
  t.false(outage.isDown)

  const lines = parsed()
  t.deepEqual(
    lines.map((line) => line.msg),
    ['database unavailable', 'database still unavailable', 'database still unavailable', 'database still unavailable', 'database available again'],
  )
  t.true(lines.every((line) => line.dependency === 'database'))
  t.is(lines[0]!.level, 40)
  t.regex(lines[0]!.err!.stack, /ECONNREFUSED/, 'the start line carries the error')
  t.is(lines[1]!.outage_ms, OUTAGE_REMINDER_MS)
  t.is(lines[4]!.level, 30)
  t.is(lines[4]!.outage_ms, lengthMs - 250, 'from the first failure to the first success')
  t.is(lines[4]!.failures, lengthMs / 250)
})

test('a second outage is logged as a new one', (t) => {
  const { outage, clock, parsed } = outageOnClock()
  outage.down(new Error('first'))
  clock.now += 1000
  outage.up()
  clock.now += 5000
  outage.down(new Error('second'))
  clock.now += 2000
  outage.up()
  const lines = parsed()
  t.deepEqual(
    lines.map((line) => [line.msg, line.outage_ms, line.failures]),
    [
      ['database unavailable', undefined, undefined],
      ['database available again', 1000, 1],
      ['database unavailable', undefined, undefined],
      ['database available again', 2000, 1],
    ],
  )
})
