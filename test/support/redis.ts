import { spawn, type ChildProcess } from 'node:child_process'
import { Redis } from 'ioredis'
import { eventually } from './eventually.js'
import { freePort } from './free-port.js'

/** The Redis the suite uses: CI sets HEIMDALL_TEST_REDIS_URL; on a developer machine, the local one. */
export const TEST_REDIS_URL = process.env.HEIMDALL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

/**
 * Answers why Redis cannot be used, or undefined when it answers PING. Where the suite was told to
 * use Redis (HEIMDALL_TEST_REDIS_URL, as in CI), a Redis that is down is a failure, not a skip.
 */
export async function redisUnavailable(url = TEST_REDIS_URL, required = Boolean(process.env.HEIMDALL_TEST_REDIS_URL)): Promise<string | undefined> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null })
  client.on('error', () => {})
  try {
    await client.connect()
    await client.ping()
    return undefined
  } catch (error) {
    const reason = `Redis at ${url} does not answer (${(error as Error).message})`
    if (required) throw new Error(`${reason}; HEIMDALL_TEST_REDIS_URL says it should`)
    return reason
  } finally {
    client.disconnect()
  }
}

/** A Redis server of the test's own, on a free port, that the test may stop and start again. */
export interface OwnRedis {
  url: string
  stop(): Promise<void>
  start(): Promise<void>
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await freePort()
  let server: ChildProcess | undefined
  const url = `redis://127.0.0.1:${port}`
  const own: OwnRedis = {
    url,
    async start() {
      server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' })
      if (await eventually(async () => (await redisUnavailable(url, false)) === undefined, 5000, 50)) return
      throw new Error(`redis-server on port ${port} did not start`)
    },
    async stop() {
      if (!server || server.exitCode !== null) return
      const exited = new Promise((resolve) => server!.once('exit', resolve))
      server.kill('SIGKILL')
      await exited
    },
  }
  await own.start()
  return own
}

