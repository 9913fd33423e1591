/**
 * The tail of a run, read from what bench/tail-probe.ts wrote: event-loop delay and garbage collection
 * of the busiest process of a server (a cluster's worker, not its idle primary) over a window.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { TailSecond } from './tail-probe.js'

/** Milliseconds; `loopP99` is the worst one-second p99 of the window, `loopMax` its longest delay. */
export interface Tail {
  loopP50: number
  loopP99: number
  loopMax: number
  /** Young (scavenge) and other collections a second, their mean and longest pause. */
  youngPerSecond: number
  youngMeanMs: number
  otherPerSecond: number
  gcMaxMs: number
  /** Share of the window spent paused in garbage collection, 0..1. */
  gcShare: number
}

/**
 * Summarises the seconds that ended within (from + 1 s, to + 1 s] (at least the second after `to`) for the process that used the most
 * CPU in it (a cluster's worker, not its primary): each line covers the second before it, so the one that ended first straddles the
 * start (left out) and the last one straddles the end (kept: a run of a second has only that one).
 * The caller waits a second after the run for it. Undefined when no probe wrote in that window.
 */
export function tailBetween(dir: string, from: number, to: number): Tail | undefined {
  let busiest: TailSecond[] = []
  for (const name of readdirSync(dir)) {
    const seconds = readFileSync(join(dir, name), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as TailSecond)
      .filter((second) => second.at > Math.min(from + 1000, to) && second.at <= to + 1000)
    const cpu = (list: TailSecond[]) => list.reduce((sum, s) => sum + s.cpuMs, 0)
    if (seconds.length > 0 && (busiest.length === 0 || cpu(seconds) > cpu(busiest))) busiest = seconds
  }
  if (busiest.length === 0) return undefined
  const sum = (pick: (s: TailSecond) => number) => busiest.reduce((total, s) => total + pick(s), 0)
  const max = (pick: (s: TailSecond) => number) => Math.max(...busiest.map(pick))
  const young = sum((s) => s.youngCount)
  const round = (n: number) => Math.round(n * 100) / 100
  return {
    loopP50: round(busiest.map((s) => s.loopP50).sort((a, b) => a - b)[Math.floor(busiest.length / 2)]),
    loopP99: max((s) => s.loopP99),
    loopMax: max((s) => s.loopMax),
    youngPerSecond: round(young / busiest.length),
    youngMeanMs: round(young ? sum((s) => s.youngMs) / young : 0),
    otherPerSecond: round(sum((s) => s.otherCount) / busiest.length),
    gcMaxMs: round(max((s) => s.gcMaxMs)),
    gcShare: round(sum((s) => s.youngMs + s.otherMs) / (busiest.length * 1000) * 100) / 100,
  }
}
