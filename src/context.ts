import type { Knex } from 'knex'
import type { DestinationStream } from 'pino'
import type { Config } from './config.js'
import { isAsymmetric } from './domain/signing-key-lifecycle.js'
import { createAsymmetricTokenService } from './infra/tokens/asymmetric-token-service.js'
import { createSessionReadModel, type SessionReadModel } from './infra/session-read-model.js'
import { createClusterBus, type Invalidation } from './infra/cluster/cluster-bus.js'
import { createClusterMetrics } from './infra/cluster/cluster-metrics.js'
import { createKnex, poolStats } from './infra/db/knex.js'
import { createLogger, type Logger } from './infra/logger.js'
import type { RedisBus } from './infra/cluster/redis-bus.js'
import { createMetrics, type Metrics } from './infra/metrics/metrics.js'
import { createPasswordHasher, type PasswordHasher } from './infra/passwords.js'
import { createAuditRepository, type AuditRepository } from './infra/repositories/audit.js'
import { createRolesRepository, type RolesRepository } from './infra/repositories/roles.js'
import { createSessionsRepository, type SessionsRepository } from './infra/repositories/sessions.js'
import { createSigningKeysRepository } from './infra/repositories/signing-keys.js'
import { createThrottlesRepository, type ThrottlesRepository } from './infra/repositories/throttles.js'
import { createUsersRepository, type UsersRepository } from './infra/repositories/users.js'
import { startRevocationPoller } from './infra/cluster/revocation-poller.js'
import { resolveJwtSecret } from './infra/tokens/secret-file.js'
import { createSigningKeyStore, type SigningKeyStore } from './infra/tokens/signing-key-store.js'
import { createTokenService, type TokenService } from './infra/tokens/token-service.js'

export type { Metrics }

export interface Context {
  readonly config: Config
  readonly db: Knex
  readonly users: UsersRepository
  readonly sessions: SessionsRepository
  readonly roles: RolesRepository
  readonly audit: AuditRepository
  /**
   * The same repositories over the read replica (HEIMDALL_DATABASE_READ_URL), or over the primary
   * when there is none: for queries that may be a moment behind. Commands never use them.
   */
  readonly readers: { users: UsersRepository; sessions: SessionsRepository; roles: RolesRepository; audit: AuditRepository }
  readonly throttles: ThrottlesRepository
  readonly logger: Logger
  readonly passwords: PasswordHasher
  readonly sessionStates: SessionReadModel
  /** Built on first use, so commands that never touch a token need no secret. */
  readonly tokens: TokenService
  /** The RS256 / EdDSA keys in the database (HEIMDALL_JWT_ALG); reads the secret only to encrypt or decrypt one. */
  readonly signingKeys: SigningKeyStore
  /** Where the signing secret comes from (a path or a variable name), for the operator. */
  readonly secretSource: string
  readonly metrics: Metrics
  /**
   * Tells every cache that a session (or all of a user's sessions) changed: this process at once,
   * sibling cluster workers before it resolves, other processes through their revocation poller.
   */
  invalidate(invalidation: Invalidation): Promise<void>
  /** How revocations reach other instances: Redis pub/sub when configured, else each instance's database poll. */
  revocationBus(): { type: 'redis' | 'database-poll'; status: 'connected' | 'disconnected' }
  /** Set once migrations are applied: until then the server is not ready. */
  ready: boolean
  close(): Promise<void>
}

export interface ContextOptions {
  /** Long-running servers watch for revocations made by other processes and sweep old counters. */
  watchRevocations?: boolean
  /** Where log lines go (default: stdout). Pretty lines when it is a terminal (isTTY), JSON otherwise. */
  logDestination?: DestinationStream & { isTTY?: boolean }
}

const SWEEP_INTERVAL_MS = 60_000
/**
 * How often a server re-reads the signing keys, to follow `keys:rotate` run elsewhere: it signs with
 * the new key from then on. Well inside the 60 s of skew a retired key stays published for.
 */
const KEY_RELOAD_MS = 5_000

/** The composition root: both doors build their world here, once. */
export function createContext(config: Config, options: ContextOptions = {}): Context {
  const db = createKnex(config.databaseUrl, config.databaseType)
  const users = createUsersRepository(db)
  const sessions = createSessionsRepository(db)
  const roles = createRolesRepository(db)
  const audit = createAuditRepository(db)
  const replicaDb = config.databaseReadUrl ? createKnex(config.databaseReadUrl, config.databaseType) : undefined
  const readers = replicaDb
    ? { users: createUsersRepository(replicaDb), sessions: createSessionsRepository(replicaDb), roles: createRolesRepository(replicaDb), audit: createAuditRepository(replicaDb) }
    : { users, sessions, roles, audit }
  const sessionStates = createSessionReadModel({
    sources: { replica: replicaDb ? readers : undefined, primary: { sessions, roles }, replicaMaxLagMs: config.replicaMaxLagMs },
    ttlSeconds: config.sessionCacheTtlSeconds,
  })
  const evict = (invalidation: Invalidation) =>
    invalidation.kind === 'session' ? sessionStates.evictSession(invalidation.id) : sessionStates.evictUser(invalidation.id)
  const clusterBus = createClusterBus(evict)
  const clusterMetrics = createClusterMetrics(() => context.metrics.snapshot())
  const throttles = createThrottlesRepository(db)
  const logger = createLogger({ level: config.logLevel, format: config.logFormat, destination: options.logDestination })
  // Servers listen from the start; other processes (the CLI) only publish, and connect when they first
  // do. ioredis is loaded only where Redis is configured: most CLI commands never need it.
  let redisBus: RedisBus | undefined
  let redisBusLoading: Promise<RedisBus> | undefined
  const redis = (): Promise<RedisBus> | undefined => {
    if (!config.redisUrl) return undefined
    redisBusLoading ??= import('./infra/cluster/redis-bus.js').then(({ createRedisBus }) => {
      redisBus = createRedisBus({ url: config.redisUrl!, logger, subscribe: options.watchRevocations ? evict : undefined })
      return redisBus
    })
    return redisBusLoading
  }
  if (options.watchRevocations) void redis()
  const poller = options.watchRevocations
    ? startRevocationPoller({
        sessions,
        users,
        audit,
        sessionStates,
        intervalMs: config.revocationPollMs,
        // Before migrations the tables may not exist yet: the server is not ready, and says so on /ready.
        onError: (err) => context.ready && logger.error({ err }, 'revocation poll failed'),
      })
    : undefined
  const sweeper = options.watchRevocations ? startThrottleSweeper(throttles, config, logger) : undefined
  let tokens: TokenService | undefined
  let secret: string | undefined
  let secretSource: string | undefined

  function signingSecret(): string {
    if (secret === undefined) {
      const resolved = resolveJwtSecret(config)
      secretSource = resolved.source
      secret = resolved.secret
    }
    return secret
  }
  const signingKeys = createSigningKeyStore({
    repository: createSigningKeysRepository(db),
    secret: signingSecret,
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
  })
  const keyReloader =
    options.watchRevocations && isAsymmetric(config.jwtAlg)
      ? setInterval(() => {
          if (tokens && context.ready) tokens.reload().catch((err: unknown) => logger.warn({ err }, 'signing key reload failed'))
        }, KEY_RELOAD_MS)
      : undefined
  keyReloader?.unref()

  const context: Context = {
    config,
    db,
    users,
    sessions,
    roles,
    audit,
    readers,
    throttles,
    logger,
    passwords: createPasswordHasher(config.bcryptCost),
    sessionStates,
    get tokens() {
      const { jwtAlg: alg, jwtIssuer: issuer, accessTokenTtlSeconds: ttlSeconds } = config
      tokens ??= isAsymmetric(alg)
        ? createAsymmetricTokenService({ alg, issuer, ttlSeconds, store: signingKeys })
        : createTokenService({ secret: signingSecret(), issuer, ttlSeconds })
      return tokens
    },
    signingKeys,
    get secretSource() {
      signingSecret()
      return secretSource!
    },
    metrics: createMetrics({
      cacheStats: () => sessionStates.stats(),
      countActiveSessions: () => readers.sessions.countActiveSessions(Date.now()),
      poolStats: () => poolStats(db),
      siblingSnapshots: () => clusterMetrics.siblingSnapshots(),
    }),
    async invalidate(invalidation) {
      evict(invalidation)
      // `this`, not the root logger: called on a request's context, the warning carries its req_id.
      const requestLogger = this.logger
      const published = redis()
        ?.then((bus) => bus.publish(invalidation))
        .catch((err: unknown) => requestLogger.warn({ err, invalidation }, 'could not publish to redis; other instances see it at their next database poll'))
      await Promise.all([clusterBus.broadcast(invalidation), published])
    },
    revocationBus() {
      return config.redisUrl ? { type: 'redis', status: redisBus?.status ?? 'disconnected' } : { type: 'database-poll', status: 'connected' }
    },
    ready: false,
    async close() {
      poller?.stop()
      if (sweeper) clearInterval(sweeper)
      if (keyReloader) clearInterval(keyReloader)
      clusterBus.close()
      clusterMetrics.close()
      sessionStates.close()
      await Promise.all([db.destroy(), replicaDb?.destroy(), redisBusLoading?.then((bus) => bus.close())])
    },
  }
  return context
}

/** Counters whose window has long passed are dead weight: drop them now and then. */
function startThrottleSweeper(throttles: ThrottlesRepository, config: Config, logger: Logger): NodeJS.Timeout {
  const longestWindowMs = Math.max(config.lockoutWindowSeconds * 1000, 60_000)
  const timer = setInterval(() => {
    throttles.deleteThrottlesOlderThan(Date.now() - 2 * longestWindowMs).catch((err) => logger.warn({ err }, 'throttle sweep failed'))
  }, SWEEP_INTERVAL_MS)
  timer.unref()
  return timer
}
