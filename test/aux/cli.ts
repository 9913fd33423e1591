import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** bin/run.js, from dist/test/aux/cli.js. */
export const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url))

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs the CLI as a user would: a separate process, no NODE_ENV (AVA's "test" would put oclif in dev mode). */
export function runCli(args: string[], options: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
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
