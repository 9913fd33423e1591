/**
 * `npm run test:profile`: runs the suite as `npm test` does (AVA, its default reporter; each file in
 * a process of its own, so that its CPU time can be measured) and reports
 * where the time goes: each file's wall time (from its first test's start to its last test's end,
 * read from the reporter's lines as they arrive) and each test's own duration (AVA prints it for tests
 * over 100 ms). Arguments are passed to AVA (a file, `--match`). Writes the whole profile as JSON to
 * `test-profile.json` (or HEIMDALL_TEST_PROFILE_FILE) and prints the slowest files and tests.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { CPUACCT_ROOT, PROFILE_GROUP_PREFIX } from './support/profile-groups.js'

interface TestLine {
  file: string
  title: string
  /** What AVA printed for it: passed, failed, skipped... */
  outcome: 'passed' | 'failed' | 'skipped' | 'todo'
  /** Milliseconds; tests of 100 ms or less are printed without one and count as 0. */
  durationMs: number
  /** Milliseconds since the run started, when its line arrived. */
  endedAtMs: number
}

// The package's exports do not name its bin: found beside its main entry point.
const avaCli = join(dirname(createRequire(import.meta.url).resolve('ava')), 'cli.mjs')
const started = Date.now()
const cpuFile = join(mkdtempSync(join(tmpdir(), 'heimdall-profile-')), 'cpu.jsonl')
const child = spawn(process.execPath, [avaCli, '--config', 'ava.profile.config.js', ...process.argv.slice(2)], {
  env: { ...process.env, HEIMDALL_TEST_PROFILE_CPU: cpuFile },
  stdio: ['ignore', 'pipe', 'inherit'],
})
const tests: TestLine[] = []
const lines = createInterface({ input: child.stdout })
lines.on('line', (line) => {
  process.stdout.write(`${line}\n`)
  const parsed = parseTestLine(line)
  if (parsed) tests.push({ ...parsed, endedAtMs: Date.now() - started })
})

const exitCode: number = await new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)))
// Each file's process made a cpuacct cgroup of its own (support/profile-hook.ts): empty now, removed.
for (const group of readdirOrNone(CPUACCT_ROOT).filter((name) => name.startsWith(PROFILE_GROUP_PREFIX))) {
  try {
    rmdirSync(join(CPUACCT_ROOT, group))
  } catch {
    // a process still in it (it outlived its file): left
  }
}
const wallMs = Date.now() - started
const files = new Map<string, { startedAtMs: number; endedAtMs: number; tests: number; testMs: number }>()
for (const test of tests) {
  const file = files.get(test.file) ?? { startedAtMs: Infinity, endedAtMs: 0, tests: 0, testMs: 0 }
  file.startedAtMs = Math.min(file.startedAtMs, test.endedAtMs - test.durationMs)
  file.endedAtMs = Math.max(file.endedAtMs, test.endedAtMs)
  file.tests++
  file.testMs += test.durationMs
  files.set(test.file, file)
}
/** Each file's process CPU and lifetime, keyed as the reporter names the file (`dir › file`). */
const processes = new Map<string, { cpuMs: number; childCpuMs: number; processWallMs: number }>()
for (const line of existsSync(cpuFile) ? readFileSync(cpuFile, 'utf8').split('\n').filter(Boolean) : []) {
  const { file, cpuMs, childCpuMs, wallMs } = JSON.parse(line) as { file: string; cpuMs: number; childCpuMs?: number; wallMs: number }
  // Named from dist/ on (test › unit › email); the reporter names a file from the directory the run's
  // files share (test › unit › email for the whole suite, email for unit files alone): see processOf.
  const name = file.replace(/^.*\/dist\//, '').replace(/\.test\.js$/, '').split('/').join(' › ')
  processes.set(name, { cpuMs, childCpuMs: childCpuMs ?? 0, processWallMs: wallMs })
}
const byFile = [...files]
  .map(([file, f]) => ({ file, wallMs: f.endedAtMs - f.startedAtMs, tests: f.tests, testMs: f.testMs, startedAtMs: f.startedAtMs, ...processOf(file) }))
  .sort((a, b) => b.wallMs - a.wallMs)
/** The process of the file the reporter calls `file`: the one whose name ends with it. */
function processOf(file: string) {
  return processes.get(file) ?? [...processes].find(([name]) => name.endsWith(` › ${file}`))?.[1]
}
const totalCpuMs = [...processes.values()].reduce((sum, p) => sum + p.cpuMs, 0)
const totalChildCpuMs = [...processes.values()].reduce((sum, p) => sum + p.childCpuMs, 0)
const byTest = [...tests].sort((a, b) => b.durationMs - a.durationMs)
const out = process.env.HEIMDALL_TEST_PROFILE_FILE ?? 'test-profile.json'
writeFileSync(out, JSON.stringify({ wallMs, totalCpuMs, totalChildCpuMs, files: byFile, tests: byTest }, null, 2))

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`
console.log(`\nProfile (${out}): ${tests.length} tests in ${seconds(wallMs)}; the test processes' own CPU ${seconds(totalCpuMs)}, their children's ${seconds(totalChildCpuMs)}`)
console.log('\nSlowest files (wall from first test to last, process lifetime, process CPU, tests, sum of test durations):')
for (const f of byFile.slice(0, 20)) {
  const cells = [seconds(f.wallMs), f.processWallMs === undefined ? '?' : seconds(f.processWallMs), f.cpuMs === undefined ? '?' : seconds(f.cpuMs), String(f.tests), seconds(f.testMs)]
  console.log(`  ${cells.map((cell, i) => cell.padStart(i === 3 ? 3 : 8)).join('  ')}  ${f.file}`)
}
console.log('\nMost CPU (process CPU, its children\'s CPU, wall):')
const cpuOf = (f: { cpuMs?: number; childCpuMs?: number }) => (f.cpuMs ?? 0) + (f.childCpuMs ?? 0)
for (const f of [...byFile].sort((a, b) => cpuOf(b) - cpuOf(a)).slice(0, 20)) {
  console.log(`  ${seconds(f.cpuMs ?? 0).padStart(8)}  ${seconds(f.childCpuMs ?? 0).padStart(8)}  ${seconds(f.wallMs).padStart(8)}  ${f.file}`)
}
console.log('\nSlowest tests:')
for (const t of byTest.slice(0, 20)) console.log(`  ${seconds(t.durationMs).padStart(8)}  ${t.file} › ${t.title}`)
process.exitCode = exitCode

/** `✔ [tag] dir › file › title (1m 2.3s)` as AVA 7's default reporter prints it; undefined for other lines. */
function parseTestLine(line: string): Omit<TestLine, 'endedAtMs'> | undefined {
  const match = /^\s*([✔✘↓-])\s+(?:\[\w+\]\s+)?(.+) › (.+?)(?:\s+\(((?:\d+(?:\.\d+)?(?:ms|s|m|h)\s*)+)\))?\s*$/.exec(line)
  if (!match) return undefined
  const [, mark, file, title, duration] = match
  const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60000, h: 3600000 }
  let durationMs = 0
  for (const [, amount, unit] of (duration ?? '').matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) durationMs += Number(amount) * unitMs[unit]
  const outcome = mark === '✔' ? 'passed' : mark === '✘' ? 'failed' : mark === '↓' ? 'skipped' : 'todo'
  return { file, title, outcome, durationMs }
}

function readdirOrNone(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch {
    return []
  }
}
