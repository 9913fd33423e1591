/**
 * Polls `check` until it answers true or `withinMs` passes; answers how long it took, or undefined.
 * It checks once more when the time is up: a test process stalled past the deadline (a loaded
 * machine) has not looked since before the stall.
 */
export async function eventually(check: () => Promise<boolean>, withinMs: number, everyMs = 20): Promise<number | undefined> {
  const started = performance.now()
  while (performance.now() - started <= withinMs) {
    if (await check()) return performance.now() - started
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
  return (await check()) ? performance.now() - started : undefined
}
