import type { Knex } from 'knex'
import type { DestinationStream } from 'pino'
import type { Config } from './config.js'
import { createSessionReadModel, type SessionReadModel } from './infra/cache.js'
import { createClusterBus, type Invalidation } from './infra/cluster-bus.js'
import { createKnex } from './infra/db/knex.js'
import { createLogger, type Logger } from './infra/logger.js'
import { createPasswordHasher, type PasswordHasher } from './infra/passwords.js'
import { createAuditRepository, type AuditRepository } from './infra/repositories/audit.js'
import { createRolesRepository, type RolesRepository } from './infra/repositories/roles.js'
import { createSessionsRepository, type SessionsRepository } from './infra/repositories/sessions.js'
import { createThrottlesRepository, type ThrottlesRepository } from './infra/repositories/throttles.js'
import { createUsersRepository, type UsersRepository } from './infra/repositories/users.js'
import { startRevocationPoller } from './infra/revocation-poller.js'
import { resolveJwtSecret } from './infra/secret-file.js'
import { createTokenService, type TokenService } from './infra/tokens.js'

export interface Metrics {
  totalRequests: number
  readonly startedAt: number
}

export interface Context {
  readonly config: Config
  readonly db: Knex
  readonly users: UsersRepository
  readonly sessions: SessionsRepository
  readonly roles: RolesRepository
  readonly audit: AuditRepository
  readonly throttles: ThrottlesRepository
  readonly logger: Logger
  readonly passwords: PasswordHasher
  readonly sessionStates: SessionReadModel
  /** Built on first use, so commands that never touch a token need no secret. */
  readonly tokens: TokenService
  /** Where the signing secret comes from (a path or a variable name), for the operator. */
  readonly secretSource: string
  readonly metrics: Metrics
  /**
   * Tells every cache that a session (or all of a user's sessions) changed: this process at once,
   * sibling cluster workers before it resolves, other processes through their revocation poller.
   */
  invalidate(invalidation: Invalidation): Promise<void>
  /** Set once migrations are applied: until then the server is not ready. */
  ready: boolean
  close(): Promise<void>
}

export interface ContextOptions {
  /** Long-running servers watch for revocations made by other processes and sweep old counters. */
  watchRevocations?: boolean
  /** Where log lines go (default: stdout). */
  logDestination?: DestinationStream
}

const SWEEP_INTERVAL_MS = 60_000

/** The composition root: both doors build their world here, once. */
export function createContext(config: Config, options: ContextOptions = {}): Context {
  const db = createKnex(config.databaseUrl, config.databaseType)
  const users = createUsersRepository(db)
  const sessions = createSessionsRepository(db)
  const roles = createRolesRepository(db)
  const sessionStates = createSessionReadModel({ sessions, roles, ttlSeconds: config.sessionCacheTtlSeconds })
  const evict = (invalidation: Invalidation) =>
    invalidation.kind === 'session' ? sessionStates.evictSession(invalidation.id) : sessionStates.evictUser(invalidation.id)
  const clusterBus = createClusterBus(evict)
  const throttles = createThrottlesRepository(db)
  const audit = createAuditRepository(db)
  const logger = createLogger({ level: config.logLevel, destination: options.logDestination })
  const poller = options.watchRevocations
    ? startRevocationPoller({ sessions, users, audit, sessionStates, intervalMs: config.revocationPollMs, onError: (err) => logger.error({ err }, 'revocation poll failed') })
    : undefined
  const sweeper = options.watchRevocations ? startThrottleSweeper(throttles, config, logger) : undefined
  let tokens: TokenService | undefined
  let secretSource: string | undefined

  function signingSecret() {
    const resolved = resolveJwtSecret(config)
    secretSource = resolved.source
    return resolved.secret
  }

  return {
    config,
    db,
    users,
    sessions,
    roles,
    audit,
    throttles,
    logger,
    passwords: createPasswordHasher(config.bcryptCost),
    sessionStates,
    get tokens() {
      tokens ??= createTokenService({ secret: signingSecret(), issuer: config.jwtIssuer, ttlSeconds: config.accessTokenTtlSeconds })
      return tokens
    },
    get secretSource() {
      if (secretSource === undefined) void this.tokens
      return secretSource!
    },
    metrics: { totalRequests: 0, startedAt: Date.now() },
    async invalidate(invalidation) {
      evict(invalidation)
      await clusterBus.broadcast(invalidation)
    },
    ready: false,
    async close() {
      poller?.stop()
      if (sweeper) clearInterval(sweeper)
      clusterBus.close()
      sessionStates.close()
      await db.destroy()
    },
  }
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
