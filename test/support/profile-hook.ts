import { appendFileSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import test from 'ava'
import { CPUACCT_ROOT, PROFILE_GROUP_PREFIX } from './profile-groups.js'

/**
 * Loaded into each test process by `npm run test:profile` (ava.profile.config.js): when the process
 * ends, appends one JSON line to HEIMDALL_TEST_PROFILE_CPU, `{ file, cpuMs, wallMs }`, the CPU time
 * (user + system, milliseconds) the file's process spent, `childCpuMs` what the processes it started
 * spent (serve, npm, Chromium; Linux only), and its wall time from start to exit (lingering handles
 * included).
 *
 * The children's CPU is read from a cpuacct cgroup of the file's own (cgroup v1, as root), which counts
 * every process started from the file, those that ended as orphans too: Chromium leaves its renderers
 * to init, whose CPU the parent's cutime never sees (it saw about 440 of Chromium's 1,000 s). Where no
 * such cgroup can be made, cutime + cstime of /proc/self/stat.
 */
const output = process.env.HEIMDALL_TEST_PROFILE_CPU
if (output) {
  const startedCpu = process.cpuUsage()
  const startedAt = Date.now()
  const cgroup = joinOwnCpuacctGroup()
  process.on('exit', () => {
    const cpu = process.cpuUsage(startedCpu)
    const ownMs = (cpu.user + cpu.system) / 1000
    const groupMs = cgroup ? cpuacctUsageMs(cgroup) : undefined
    const childCpuMs = groupMs === undefined ? childrenCpuMs() : Math.max(0, groupMs - ownMs)
    appendFileSync(output, `${JSON.stringify({ file: test.meta.file, cpuMs: ownMs, childCpuMs, wallMs: Date.now() - startedAt })}\n`)
  })
}

/** Moves this process into a new cpuacct cgroup of its own; answers its directory, or undefined where none can be made. */
function joinOwnCpuacctGroup(): string | undefined {
  const dir = join(CPUACCT_ROOT, `${PROFILE_GROUP_PREFIX}${process.pid}`)
  try {
    mkdirSync(dir)
    writeFileSync(join(dir, 'cgroup.procs'), String(process.pid))
    return dir
  } catch {
    try {
      rmdirSync(dir)
    } catch {
      // never made
    }
    return undefined
  }
}

/** The CPU time (milliseconds) every process in the cgroup `dir` has spent since it was made. */
function cpuacctUsageMs(dir: string): number | undefined {
  try {
    return Number(readFileSync(join(dir, 'cpuacct.usage'), 'utf8')) / 1e6
  } catch {
    return undefined
  }
}

/** cutime + cstime of /proc/self/stat (clock ticks of 10 ms on Linux): the CPU of the children this process waited for. */
function childrenCpuMs(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')
    return (Number(fields[13]) + Number(fields[14])) * 10
  } catch {
    return undefined
  }
}
