import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** bin/run.js, from dist/test/aux/cli.js. */
export const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url))

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
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

/** Runs the CLI as a user would: a separate process, no NODE_ENV (AVA's "test" would put oclif in dev mode). */
export function runCli(args: string[], options: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return inTurn(() => runCliNow(args, options))
}

function runCliNow(args: string[], options: { env?: Record<string, string>; input?: string; timeoutMs?: number }): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env }
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
