/**
 * The average duration of `calls` sequential runs of `run`, taking the fastest of `rounds` batches:
 * a latency budget is about what the server can do, and one batch can be slowed by whatever else
 * the (shared) test machine is doing at that moment.
 */
export async function fastestAverageMs(run: () => Promise<unknown>, calls: number, rounds = 3): Promise<number> {
  let fastest = Infinity
  for (let round = 0; round < rounds; round++) {
    const started = performance.now()
    for (let i = 0; i < calls; i++) await run()
    fastest = Math.min(fastest, (performance.now() - started) / calls)
  }
  return fastest
}
