import { spawn } from 'node:child_process'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { Config, run } from '@oclif/core'
import { Exit, handle } from '@oclif/core/handle'

/** bin/run.js, from dist/test/support/cli.js. */
export const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url))
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/**
 * The test process's environment as it was before any command ran. An in-process command sees its
 * `env` as process.env while it runs; a process started meanwhile by a concurrent test of the same
 * file (spawnCli, serve) must not inherit that: it starts from this copy instead.
 */
export const TEST_PROCESS_ENV: Readonly<NodeJS.ProcessEnv> = { ...process.env }

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface CliOptions {
  /** Variables on top of the test process's own (NODE_ENV removed). */
  env?: Record<string, string>
  /** All of standard input. */
  input?: string
  /** Milliseconds (default 30 000). */
  timeoutMs?: number
}

/**
 * Runs a CLI command the way bin/run.js does (oclif's `run`, its error handler and exit code), but
 * inside this test process: starting Node and oclif for each of the suite's few hundred commands
 * cost most of a CPU second each. The command sees `env` as process.env, `input` as its standard
 * input, and its standard output and error are what it wrote; one command runs at a time per test
 * process, since all three are process-wide. `serve` always runs in a process of its own (it stays up);
 * spawnCli runs any other command that way, for the tests that prove the real binary.
 */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  if (args[0] === 'serve') return spawnCli(args, options)
  return oneAtATime(() => runInProcess(args, options))
}

let queue: Promise<unknown> = Promise.resolve()
function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const result = queue.then(work)
  queue = result.catch(() => undefined)
  return result
}

let oclifConfig: Promise<Config> | undefined

async function runInProcess(args: string[], options: CliOptions): Promise<CliResult> {
  const savedEnv = { ...process.env }
  const stdinDescriptor = Object.getOwnPropertyDescriptor(process, 'stdin')!
  const writers = { stdout: process.stdout.write, stderr: process.stderr.write }
  const output = { stdout: '', stderr: '' }
  let exitCode: number | undefined
  const savedExit = Exit.exit
  // AVA's NODE_ENV=test would put oclif in development mode (TypeScript sources through tsx).
  delete process.env.NODE_ENV
  Object.assign(process.env, options.env)
  const input = Readable.from([Buffer.from(options.input ?? '')])
  Object.defineProperty(process, 'stdin', { configurable: true, enumerable: stdinDescriptor.enumerable, get: () => input })
  process.stdout.write = ((chunk: string | Uint8Array) => ((output.stdout += chunk.toString()), true)) as typeof process.stdout.write
  process.stderr.write = ((chunk: string | Uint8Array) => ((output.stderr += chunk.toString()), true)) as typeof process.stderr.write
  // oclif's handler ends the process with the exit code: here it is recorded instead.
  Exit.exit = ((code = 0) => {
    exitCode = code
  }) as typeof Exit.exit
  process.exitCode = undefined
  try {
    oclifConfig ??= Config.load(ROOT)
    const config = await oclifConfig
    await withTimeout(options.timeoutMs ?? 30000, args, async () => {
      try {
        // No flush() as bin/run.js has: it waits for stdout's drain, and here stdout is a string.
        await run(args, config)
      } catch (error) {
        await handle(error as Error)
      }
    })
    return { code: exitCode ?? Number(process.exitCode ?? 0), stdout: output.stdout, stderr: output.stderr }
  } finally {
    process.exitCode = undefined
    Exit.exit = savedExit
    process.stdout.write = writers.stdout
    process.stderr.write = writers.stderr
    Object.defineProperty(process, 'stdin', stdinDescriptor)
    for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name]
    Object.assign(process.env, savedEnv)
  }
}

function withTimeout(ms: number, args: string[], work: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`heimdall ${args.join(' ')} did not finish in ${ms} ms`)), ms)
  })
  return Promise.race([work(), late]).finally(() => clearTimeout(timer))
}

/**
 * How many CLI processes one test process runs at once. Each starts Node and oclif (most of a CPU
 * second); a test file's concurrent tests starting a dozen together starved the servers the same
 * test process hosts for seconds on a 2-core machine. The rest wait their turn (not counted in
 * timeoutMs).
 */
const CLI_PROCESSES_AT_ONCE = 3
let running = 0
const waiting: Array<() => void> = []

async function inTurn<T>(work: () => Promise<T>): Promise<T> {
  if (running >= CLI_PROCESSES_AT_ONCE) await new Promise<void>((resolve) => waiting.push(resolve))
  else running++
  try {
    return await work()
  } finally {
    const next = waiting.shift()
    if (next) next()
    else running--
  }
}

/** Runs the CLI as a user would: bin/run.js in a process of its own, no NODE_ENV (AVA's "test" would put oclif in dev mode). */
export function spawnCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return inTurn(() => spawnNow(args, options))
}

function spawnNow(args: string[], options: CliOptions): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...TEST_PROCESS_ENV, ...options.env }
  delete env.NODE_ENV
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`heimdall ${args.join(' ')} did not finish in time\n${stdout}\n${stderr}`))
    }, options.timeoutMs ?? 30000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
    child.stdin.end(options.input ?? '')
  })
}
