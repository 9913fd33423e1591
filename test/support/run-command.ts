import { spawn } from 'node:child_process'
import { setPriority } from 'node:os'

export interface CommandResult {
  code: number | null
  /** stdout and stderr, interleaved as they came. */
  output: string
}

/**
 * Runs a command to its end and answers its exit code and output; rejects only when it cannot start
 * or outlives `timeoutMs` (then it is killed). Builds and installs take a core for minutes: they run
 * at a lower priority (nice 5, inherited by what they start; `nice` overrides), so that the
 * timing-sensitive tests running beside them keep theirs. Not lower: at nice 15 a build got about
 * 3% of a saturated machine and missed its deadline.
 */
export function runCommand(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number; nice?: number }): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    // A process group of its own, so that a timeout ends what it started too (a bench's servers).
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
    process.once('exit', killGroup)
    if (child.pid && (options.nice ?? 5) !== 0) setPriority(child.pid, options.nice ?? 5)
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    const timer = setTimeout(() => {
      killGroup()
      reject(new Error(`${command} ${args.join(' ')} did not finish in ${options.timeoutMs} ms:\n${output}`))
    }, options.timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code) => {
      clearTimeout(timer)
      process.off('exit', killGroup)
      resolve({ code, output })
    })
  })
}
