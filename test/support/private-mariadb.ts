import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import knex from 'knex'
import { eventually } from './eventually.js'
import { freePort } from './free-port.js'

const MARIADBD = '/usr/sbin/mariadbd'
const INSTALL_DB = 'mariadb-install-db'
/** A fresh data directory starts in 2-5 s; crash recovery after SIGKILL takes about as long. */
const START_WITHIN_MS = 60_000

/**
 * A MariaDB server of a test's own, on a random loopback port with its own data directory, socket
 * and pid file: fault tests stop and start it under a running Heimdall without touching the shared
 * server. Anyone may connect as root with any password (skip-grant-tables), over TCP only.
 */
export interface PrivateMariaDb {
  readonly port: number
  /** mysql://root@127.0.0.1:PORT/NAME */
  url(database: string): string
  /** Stops the server: SIGKILL is a crash (InnoDB recovers on the next start), SIGTERM a clean shutdown. */
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>
  /** SIGSTOP: the server hangs (connections stay open, nothing answers), as in a lost network. */
  pause(): void
  /** SIGCONT after pause(). */
  resume(): void
  /** Starts it again on the same data directory and port; resolves once it answers a query. */
  start(): Promise<void>
  /** Runs SQL as root on this server (a short-lived connection). */
  query<T = unknown>(sql: string, bindings?: readonly unknown[]): Promise<T[]>
  /** Stops the server and removes its directory. */
  destroy(): Promise<void>
}

/** Why a private MariaDB cannot run here, or undefined when it can. */
export function privateMariaDbUnavailable(): string | undefined {
  if (!existsSync(MARIADBD)) return `${MARIADBD} is not installed`
  const onPath = (process.env.PATH ?? '').split(delimiter).some((folder) => folder !== '' && existsSync(join(folder, INSTALL_DB)))
  return onPath ? undefined : `${INSTALL_DB} is not on the PATH`
}

/** Initialises a data directory in a temporary folder and starts mariadbd on it. */
export async function startPrivateMariaDb(): Promise<PrivateMariaDb> {
  const dir = mkdtempSync(join(tmpdir(), 'heimdall-mariadb-'))
  const dataDir = join(dir, 'data')
  // mariadbd refuses to run as root: as root it runs as mysql, which must own its directory.
  const runAs = process.getuid?.() === 0 ? 'mysql' : undefined
  if (runAs) {
    const uid = Number(execFileSync('id', ['-u', runAs], { encoding: 'utf8' }))
    const gid = Number(execFileSync('id', ['-g', runAs], { encoding: 'utf8' }))
    chownSync(dir, uid, gid)
  }
  const userFlag = runAs ? [`--user=${runAs}`] : []
  execFileSync(INSTALL_DB, ['--no-defaults', `--datadir=${dataDir}`, ...userFlag, '--auth-root-authentication-method=normal', '--skip-test-db'], {
    stdio: 'ignore',
  })
  const port = await freePort()
  const args = [
    '--no-defaults',
    `--datadir=${dataDir}`,
    ...userFlag,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--socket=${join(dir, 'mysqld.sock')}`,
    `--pid-file=${join(dir, 'mysqld.pid')}`,
    `--log-error=${join(dir, 'error.log')}`,
    '--skip-grant-tables',
    '--skip-name-resolve',
    '--performance-schema=OFF',
    '--innodb-buffer-pool-size=16M',
  ]
  let server: ChildProcess | undefined
  let exited: Promise<void> = Promise.resolve()

  const query = async <T>(sql: string, bindings: readonly unknown[] = []): Promise<T[]> => {
    // Quiet: while the server starts, each attempt fails, and knex would print every one.
    const quiet = () => undefined
    const db = knex({
      client: 'mysql2',
      connection: { host: '127.0.0.1', port, user: 'root', connectTimeout: 2000 },
      pool: { min: 0, max: 1 },
      log: { warn: quiet, error: quiet, debug: quiet, deprecate: quiet },
    })
    try {
      const [rows] = (await db.raw(sql, bindings as knex.Knex.RawBinding[])) as [T[]]
      return rows
    } finally {
      await db.destroy()
    }
  }

  const instance: PrivateMariaDb = {
    port,
    url: (database) => `mysql://root@127.0.0.1:${port}/${database}`,
    async start() {
      const child = spawn(MARIADBD, args, { stdio: 'ignore' })
      server = child
      // A test worker that ends without its after hook (a timeout, an uncaught error) must not leave
      // a database server running behind it.
      const killOnExit = () => child.kill('SIGKILL')
      process.once('exit', killOnExit)
      exited = new Promise((resolve) =>
        child.once('exit', () => {
          process.off('exit', killOnExit)
          resolve()
        }),
      )
      const answering = await eventually(async () => {
        if (child.exitCode !== null) throw new Error('mariadbd exited')
        return query('SELECT 1').then(
          () => true,
          () => false,
        )
      }, START_WITHIN_MS, 100).catch(() => undefined)
      if (answering === undefined) {
        const log = existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8').slice(-2000) : ''
        throw new Error(`the private mariadbd did not start:\n${log}`)
      }
    },
    async stop(signal = 'SIGKILL') {
      if (!server || server.exitCode !== null || server.signalCode !== null) return
      server.kill(signal)
      await exited
    },
    pause() {
      server?.kill('SIGSTOP')
    },
    resume() {
      server?.kill('SIGCONT')
    },
    query,
    async destroy() {
      instance.resume()
      await instance.stop('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
    },
  }
  try {
    await instance.start()
  } catch (error) {
    await instance.destroy()
    throw error
  }
  return instance
}

