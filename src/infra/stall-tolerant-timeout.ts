/** How late a timer may fire (milliseconds) before it counts as a stalled event loop. */
const LATE_TOLERANCE_MS = 250
/** How many times a late timer waits again before it fires whatever the loop is doing. */
const MAX_REARMS = 3

/**
 * setTimeout for deadlines on I/O (a query, a connection's handshake): `onTimeout` runs once `ms`
 * milliseconds have passed in which this process could run. A process starved of CPU, or paused by
 * a long garbage collection, runs its due timers before it reads the sockets whose answers arrived
 * meanwhile, so a plain timer calls an answer that came in time a timeout. This one, when it fires
 * more than LATE_TOLERANCE_MS late, waits again as long as it was late (at most `ms`, at most
 * MAX_REARMS times: a process starved for good still gets its timeouts), so the I/O gets its turn
 * first. Answers a function that cancels it.
 */
export function setStallTolerantTimeout(onTimeout: () => void, ms: number): () => void {
  let timer: NodeJS.Timeout
  const arm = (wait: number, rearms: number) => {
    const due = performance.now() + wait
    timer = setTimeout(() => {
      const late = performance.now() - due
      if (late > LATE_TOLERANCE_MS && rearms < MAX_REARMS) arm(Math.min(late, ms), rearms + 1)
      else onTimeout()
    }, wait)
  }
  arm(ms, 0)
  return () => clearTimeout(timer)
}
