import test, { type ExecutionContext } from 'ava'
import type { Clock } from '../../src/infra/clock.js'
import { backends } from './db.js'
import { startTestServer, type TestServer, type TestServerOptions } from './server.js'

/** A clock a test moves by hand: hand it to startTestServer (TestServerOptions.clock). */
export interface TestClock extends Clock {
  /** Moves the clock forward by `ms` milliseconds (never back: throws on a negative amount). */
  advance(ms: number): void
}

/**
 * A clock that starts at the real time (so that what it stamps looks like any other row) and keeps
 * pace with it, plus whatever advance() added: a lockout window or an expiry passes at once, without
 * a sleep, while the time between two requests still goes by as it does in production.
 */
export function createTestClock(): TestClock {
  let offsetMs = 0
  return {
    now: () => Date.now() + offsetMs,
    advance(ms) {
      if (!(ms >= 0)) throw new RangeError(`a test clock only moves forward (asked to move ${ms} ms)`)
      offsetMs += ms
    },
  }
}

/**
 * Registers one test per backend, each with its own server on its own test clock: a clock is global
 * state of its server (moving it moves every window and expiry in it), so it is never shared between
 * tests, not even between one test's two backends.
 */
export function clockedServerTest(
  title: string,
  run: (t: ExecutionContext, server: TestServer, clock: TestClock) => Promise<void>,
  options: Omit<TestServerOptions, 'clock'> = {},
): void {
  for (const backend of backends()) {
    test(`${title} [${backend}]`, async (t) => {
      const clock = createTestClock()
      const server = await startTestServer(backend, { ...options, clock })
      try {
        await run(t, server, clock)
      } finally {
        await server.close()
      }
    })
  }
}
