import { spawn, type ChildProcess } from 'node:child_process'

export interface Running {
  url: string
  pid: number
  stop(): Promise<void>
}

/**
 * Node's own flags for the servers the bench starts, from BENCH_NODE_ARGS (space-separated), e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` for a CPU profile of each (NODE_OPTIONS refuses --cpu-prof).
 */
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)

/** Starts a server process and resolves with the URL it prints once `ready` matches its output. */
export function startProcess(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<Running> {
  const child: ChildProcess = spawn(process.execPath, [...NODE_ARGS, ...args], { env: { ...process.env, ...env, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start:\n${output}`)), 60_000)
    const onData = (chunk: Buffer) => {
      output += chunk
      const match = ready.exec(output)
      if (match) {
        clearTimeout(timer)
        child.stdout?.off('data', onData)
        child.stderr?.off('data', onData)
        child.stdout?.resume()
        child.stderr?.resume()
        resolve({
          url: match[1],
          pid: child.pid!,
          stop: async () => {
            child.kill('SIGTERM')
            await exited
          },
        })
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    void exited.then(() => reject(new Error(`${args.join(' ')} exited:\n${output}`)))
  })
}
