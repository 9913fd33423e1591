import { appendFileSync } from 'node:fs'
import test from 'ava'

/**
 * Loaded into each test process by `npm run test:profile` (ava.profile.config.js): when the process
 * ends, appends one JSON line to HEIMDALL_TEST_PROFILE_CPU, `{ file, cpuMs, wallMs }`, the CPU time
 * (user + system, milliseconds) the file's process spent, its own children not included, and its
 * wall time from start to exit (lingering handles included).
 */
const output = process.env.HEIMDALL_TEST_PROFILE_CPU
if (output) {
  const startedCpu = process.cpuUsage()
  const startedAt = Date.now()
  process.on('exit', () => {
    const cpu = process.cpuUsage(startedCpu)
    appendFileSync(output, `${JSON.stringify({ file: test.meta.file, cpuMs: (cpu.user + cpu.system) / 1000, wallMs: Date.now() - startedAt })}\n`)
  })
}
