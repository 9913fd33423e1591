import cluster from 'node:cluster'
import { relaySiblingQuestions } from './sibling-channel.js'

/** Tells forked workers whether the primary found the schema up to date. */
const SCHEMA_READY = 'HEIMDALL_SCHEMA_READY'

export interface WorkerSupervisor {
  /** The URL the workers listen on, once all `count` of them do. */
  listening: Promise<string>
  /** Sends SIGTERM to every worker (each finishes its in-flight requests) and resolves when all have exited. */
  stop(): Promise<void>
}

/** True in a process forked by superviseWorkers(). */
export function isClusterWorker(): boolean {
  return cluster.isWorker
}

/** In a worker: whether its primary found the schema up to date (then the worker is ready from the start). */
export function primaryFoundSchemaReady(): boolean {
  return process.env[SCHEMA_READY] === '1'
}

/**
 * The primary of `serve --workers N`: forks `count` workers that share the port, relays their sibling
 * questions (invalidations, metrics), and replaces any that dies until stop() is called.
 */
export function superviseWorkers(options: { count: number; schemaReady: boolean; onWorkerDied: (pid: number | undefined, reason: string) => void }): WorkerSupervisor {
  const { count } = options
  relaySiblingQuestions()
  let stopping = false
  const listening = new Promise<string>((resolve) => {
    let started = 0
    cluster.on('listening', (_worker, address) => {
      if (++started === count) resolve(`http://${address.address ?? '127.0.0.1'}:${address.port}`)
    })
  })
  const workerEnv = { [SCHEMA_READY]: options.schemaReady ? '1' : '0' }
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return
    options.onWorkerDied(worker.process.pid, String(signal ?? code))
    cluster.fork(workerEnv)
  })
  for (let i = 0; i < count; i++) cluster.fork(workerEnv)

  return {
    listening,
    async stop() {
      stopping = true
      await Promise.all(
        Object.values(cluster.workers ?? {}).map(
          (worker) =>
            new Promise<void>((resolve) => {
              if (!worker || worker.isDead()) return resolve()
              worker.once('exit', () => resolve())
              worker.process.kill('SIGTERM')
            }),
        ),
      )
    },
  }
}

/** In a worker: resolves when the primary goes away (its IPC channel closes). */
export function primaryGone(): Promise<'disconnect'> {
  return new Promise((resolve) => process.once('disconnect', () => resolve('disconnect')))
}

/** In a worker whose work is done: the IPC channel to the primary would keep the process alive. */
export function leaveCluster(): void {
  if (cluster.worker?.isConnected()) cluster.worker.disconnect()
}
