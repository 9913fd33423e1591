/**
 * Loaded into a server the bench measures (`--import`, through NODE_OPTIONS, so cluster workers load it
 * too): once a second it appends to `$BENCH_TAIL_DIR/<pid>.jsonl` what that second cost in the tail,
 * then starts afresh. A line is a {@link TailSecond}. The bench reads the lines of a run's window
 * (bench/tail.ts). One timer a second is all it adds to the process it watches.
 */
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { monitorEventLoopDelay, PerformanceObserver, constants } from 'node:perf_hooks'

/** One second of one process. Times in milliseconds; `at` is the end of the second (epoch ms). */
export interface TailSecond {
  at: number
  /** Event-loop delay over the second, at 1 ms resolution (perf_hooks.monitorEventLoopDelay). */
  loopP50: number
  loopP99: number
  loopMax: number
  /** Garbage collections that ended in the second: young (scavenge) and the rest, their pauses summed. */
  youngCount: number
  youngMs: number
  otherCount: number
  otherMs: number
  gcMaxMs: number
  /** CPU the process used in the second (user + system), milliseconds: which process is the busy one. */
  cpuMs: number
}

const dir = process.env.BENCH_TAIL_DIR
if (dir) {
  const file = join(dir, `${process.pid}.jsonl`)
  const loop = monitorEventLoopDelay({ resolution: 1 })
  loop.enable()
  let gc = { youngCount: 0, youngMs: 0, otherCount: 0, otherMs: 0, gcMaxMs: 0 }
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const young = (entry as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR
      if (young) {
        gc.youngCount++
        gc.youngMs += entry.duration
      } else {
        gc.otherCount++
        gc.otherMs += entry.duration
      }
      gc.gcMaxMs = Math.max(gc.gcMaxMs, entry.duration)
    }
  }).observe({ entryTypes: ['gc'] })
  const ms = (ns: number) => Math.round(ns / 1e4) / 100
  let cpu = process.cpuUsage()
  setInterval(() => {
    const used = process.cpuUsage(cpu)
    cpu = process.cpuUsage()
    const cpuMs = Math.round((used.user + used.system) / 1000)
    const second: TailSecond = { at: Date.now(), loopP50: ms(loop.percentile(50)), loopP99: ms(loop.percentile(99)), loopMax: ms(loop.max), ...gc, cpuMs }
    appendFileSync(file, `${JSON.stringify(second)}\n`)
    loop.reset()
    gc = { youngCount: 0, youngMs: 0, otherCount: 0, otherMs: 0, gcMaxMs: 0 }
  }, 1000).unref()
}
