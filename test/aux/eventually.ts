/** Polls `check` until it answers true or `withinMs` passes; answers how long it took, or undefined. */
export async function eventually(check: () => Promise<boolean>, withinMs: number, everyMs = 20): Promise<number | undefined> {
  const started = performance.now()
  while (performance.now() - started <= withinMs) {
    if (await check()) return performance.now() - started
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
  return undefined
}
