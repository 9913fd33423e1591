/**
 * Waits `ms` milliseconds (nothing when `ms` is not positive), for a test that must let time pass
 * rather than wait for something to happen. Allowed only for:
 * - a negative check: nothing happens within the time ("the mail is not sent twice over several
 *   polls"), which no condition can end early;
 * - a clock the test cannot see or move: oidc-provider's auth_time in whole seconds, the replica-lag
 *   window, the interval of a background poller that reports no passes.
 * Anything that does happen (a log line, a mail, a row, a process's output) is awaited with
 * `eventually` instead. Keep `ms` as small as the setting it waits on allows, and make that setting
 * small for the test (a poll interval through the server's env) where the assertion permits.
 * `why` names that setting or clock, so that every call site says why it sleeps; an empty one
 * throws an Error.
 */
export async function letTimePass(ms: number, why: string): Promise<void> {
  if (why.trim() === '') throw new Error('letTimePass needs a reason')
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms))
}

/**
 * Waits until the clock's epoch second is `seconds` past that of `sinceEpochMs` (milliseconds since
 * the epoch), for a clock that counts in whole seconds (a JWT's auth_time, iat): the shortest wait
 * after which a later event is sure to carry a value at least `seconds` greater. Between
 * `seconds - 1` and `seconds` seconds after `sinceEpochMs`. `why` as for letTimePass.
 */
export async function untilWholeSecondsPass(sinceEpochMs: number, seconds: number, why: string): Promise<void> {
  const target = (Math.floor(sinceEpochMs / 1000) + seconds) * 1000
  await letTimePass(target - Date.now(), why)
  // A timer may fire a millisecond early against Date.now().
  while (Date.now() < target) await letTimePass(target - Date.now(), why)
}
