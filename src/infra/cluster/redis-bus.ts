import { Redis } from 'ioredis'
import type { Invalidation } from './cluster-bus.js'
import type { Logger } from '../logger.js'
import { createOutageLog } from '../outage-log.js'
import { setStallTolerantTimeout } from '../stall-tolerant-timeout.js'

const CHANNEL = 'heimdall:invalidations'
/** A publisher that is not connected yet (a CLI command that just started) waits this long for it. */
const CONNECT_WAIT_MS = 1000

export interface RedisBus {
  /** Tells every instance; rejects when Redis cannot take the message (the pollers still will). */
  publish(invalidation: Invalidation): Promise<void>
  readonly status: 'connected' | 'disconnected'
  close(): Promise<void>
}

/**
 * Revocations between instances through Redis pub/sub. Redis is an accelerator, not a source of
 * truth: the revocation is already committed to the database, and every instance's poller finds it
 * even when a message is lost. So a Redis outage slows revocation down to the poll bound, and
 * nothing here waits for Redis on a request, queues for it or throws at start-up.
 */
export function createRedisBus(options: { url: string; logger: Logger; subscribe?: (invalidation: Invalidation) => void }): RedisBus {
  const { logger } = options
  const connectionOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    retryStrategy: (attempt: number) => Math.min(100 * attempt, 2000),
  }
  const publisher = new Redis(options.url, connectionOptions)
  const subscriber = options.subscribe ? new Redis(options.url, { ...connectionOptions, enableOfflineQueue: true }) : undefined
  const outage = createOutageLog({
    logger,
    dependency: 'redis',
    startMessage: 'redis unavailable: revocations travel through the database poll until it is back',
    reminderMessage: 'redis still unavailable',
    endMessage: 'redis reconnected',
  })

  watchConnection(publisher, 'publisher')
  if (subscriber) {
    watchConnection(subscriber, 'subscriber')
    subscriber.subscribe(CHANNEL).catch((err: unknown) => logger.warn({ err }, 'redis subscribe failed; ioredis retries on reconnect'))
    subscriber.on('message', (_channel: string, message: string) => {
      const received = parseMessage(message)
      if (!received) return logger.warn('ignored a malformed invalidation message from redis')
      options.subscribe!(received.invalidation)
      if (logger.isLevelEnabled('debug')) {
        logger.debug({ ...received.invalidation, lag_ms: Date.now() - received.publishedAt }, 'invalidation from redis applied')
      }
    })
  }

  function watchConnection(connection: Redis, role: string): void {
    // ioredis emits an error for every failed reconnection attempt: the outage log keeps it to a few lines.
    connection.on('error', (err: Error) => outage.down(err, { role }))
    connection.on('ready', () => outage.up({ role }))
  }

  async function connected(connection: Redis): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        cancel()
        connection.off('ready', onReady)
        connection.off('error', onError)
        if (error) reject(error)
        else resolve()
      }
      const onReady = () => settle()
      const onError = (error: Error) => settle(error)
      const cancel = setStallTolerantTimeout(() => settle(new Error(`redis is not connected (${connection.status})`)), CONNECT_WAIT_MS)
      connection.once('ready', onReady)
      connection.once('error', onError)
    })
  }

  return {
    async publish(invalidation) {
      if (publisher.status !== 'ready') {
        if (outage.isDown) throw new Error('redis is unavailable')
        await connected(publisher)
      }
      await publisher.publish(CHANNEL, JSON.stringify({ ...invalidation, at: Date.now() }))
    },
    get status() {
      return publisher.status === 'ready' && (!subscriber || subscriber.status === 'ready') ? 'connected' : 'disconnected'
    },
    async close() {
      await Promise.all([publisher, subscriber].map((connection) => connection?.quit().catch(() => connection.disconnect())))
    },
  }
}

/** A message names what changed and when it was published (for the propagation lag in debug logs). */
function parseMessage(message: string): { invalidation: Invalidation; publishedAt: number } | undefined {
  try {
    const parsed = JSON.parse(message) as Partial<Invalidation> & { at?: unknown }
    if ((parsed.kind === 'session' || parsed.kind === 'user') && typeof parsed.id === 'string' && parsed.id.length <= 64) {
      return { invalidation: { kind: parsed.kind, id: parsed.id }, publishedAt: typeof parsed.at === 'number' ? parsed.at : Date.now() }
    }
  } catch {
    // falls through to "malformed"
  }
  return undefined
}
