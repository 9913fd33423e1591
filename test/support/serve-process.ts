import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { BIN, TEST_PROCESS_ENV } from './cli.js'

export interface Served {
  child: ChildProcessWithoutNullStreams
  url: string
  /** stdout and stderr as they arrived, interleaved. */
  output: () => string
  /** stderr alone. */
  stderr: () => string
  exited: Promise<number | null>
}

export const READY = /listening on (http:\/\/\S+)[\s\S]*Ready/

/** `heimdall serve --port 0` (unless `args` name a port) as an operator starts it; resolves once its output matches `until`. */
export function serve(env: Record<string, string>, args: string[] = [], until = READY): Promise<Served> {
  const childEnv: NodeJS.ProcessEnv = { ...TEST_PROCESS_ENV, HEIMDALL_BCRYPT_COST: '10', ...env }
  delete childEnv.NODE_ENV
  const port = args.includes('--port') ? [] : ['--port', '0']
  const child = spawn(process.execPath, [BIN, 'serve', ...port, ...args], { env: childEnv })
  killOnExit(child)
  let output = ''
  let stderr = ''
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
  return new Promise((resolve, reject) => {
    // Generous: a loaded CI machine boots a cluster of three processes slowly.
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 90000)
    const onData = (chunk: Buffer) => {
      output += chunk
      const started = until.exec(output)
      if (started) {
        clearTimeout(timer)
        resolve({ child, url: started[1], output: () => output, stderr: () => stderr, exited })
      }
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk
      onData(chunk)
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`serve exited with ${code}:\n${output}`))
    })
  })
}

const started = new Set<ChildProcessWithoutNullStreams>()

/**
 * Kills `child` (and with it a cluster's workers, which end with their primary) when the test
 * process ends before the test could stop it: a test that timed out or threw before its cleanup
 * left `serve --workers 2` clusters running for the rest of the suite, and beyond it.
 */
function killOnExit(child: ChildProcessWithoutNullStreams): void {
  if (started.size === 0) process.once('exit', () => started.forEach((running) => running.kill('SIGKILL')))
  started.add(child)
  child.once('close', () => started.delete(child))
}
