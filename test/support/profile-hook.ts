import { appendFileSync, readFileSync } from 'node:fs'
import test from 'ava'

/**
 * Loaded into each test process by `npm run test:profile` (ava.profile.config.js): when the process
 * ends, appends one JSON line to HEIMDALL_TEST_PROFILE_CPU, `{ file, cpuMs, wallMs }`, the CPU time
 * (user + system, milliseconds) the file's process spent, `childCpuMs` what the processes it started
 * and waited for spent (serve, npm, Chromium; Linux only, from /proc), and its wall time from start
 * to exit (lingering handles included).
 */
const output = process.env.HEIMDALL_TEST_PROFILE_CPU
if (output) {
  const startedCpu = process.cpuUsage()
  const startedAt = Date.now()
  process.on('exit', () => {
    const cpu = process.cpuUsage(startedCpu)
    appendFileSync(output, `${JSON.stringify({ file: test.meta.file, cpuMs: (cpu.user + cpu.system) / 1000, childCpuMs: childrenCpuMs(), wallMs: Date.now() - startedAt })}\n`)
  })
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
