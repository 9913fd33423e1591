// CPU time per request, for the server and for the load generator: with both on the same cores,
// requests per minute is set by their sum, and this says which side the time went to.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'

let ticksPerSecond: number | undefined

/** Seconds of CPU (user + system) used so far by `pid` and all its descendants; undefined without Linux's /proc. */
export function processTreeCpuSeconds(pid: number): number | undefined {
  if (!existsSync(`/proc/${pid}/stat`)) return undefined
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  const stats = new Map<number, { parent: number; ticks: number }>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      // The command name may hold spaces and parentheses: the fields start after the last ')'.
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
      stats.set(Number(entry), { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) })
    } catch {
      // The process ended while we listed them.
    }
  }
  let ticks = 0
  const tree = new Set([pid])
  // Pids are not ordered parent first: repeat until no process joins.
  for (let grew = true; grew; ) {
    grew = false
    for (const [child, stat] of stats) {
      if (!tree.has(child) && tree.has(stat.parent)) {
        tree.add(child)
        grew = true
      }
    }
  }
  for (const member of tree) ticks += stats.get(member)?.ticks ?? 0
  return ticks / ticksPerSecond
}

/** This process's own CPU seconds: autocannon runs inside the bench's process. */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}
