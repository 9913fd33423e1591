import type { KeyObject } from 'node:crypto'
import type { Knex } from 'knex'
import type { DestinationStream } from 'pino'
import type { Config } from './config.js'
import { startBackgroundJobs } from './infra/background-jobs.js'
import { startSsfPushWorker } from './infra/ssf/push-worker.js'
import { pushDueEvents } from './usecases/ssf/push-events.js'
import { isSsfSourceType } from './domain/ssf.js'
import { createClusterMetrics } from './infra/cluster/cluster-metrics.js'
import { createInvalidationFanout, type Invalidation, type RevocationBusStatus } from './infra/cluster/invalidation-fanout.js'
import { createDatabaseOutageLog, watchConnections } from './infra/db/database-outage.js'
import { createKnex, poolStats } from './infra/db/knex.js'
import { systemClock, type Clock } from './infra/clock.js'
import { createDataKeyring, type DataKeyring } from './infra/data-keys/key-source.js'
import { createLegacyOpener } from './infra/data-keys/legacy-jwt-secret.js'
import { createSecretBox, type SecretBox } from './infra/data-keys/secret-box.js'
import { sweepExpiredOidcPayloads } from './infra/oidc/payload-sweep.js'
import { createLogger, type Logger } from './infra/logger.js'
import { createMail, type Mail } from './infra/mail/mail.js'
import { createMailOutboxRepository, type MailOutboxRepository } from './infra/repositories/mail-outbox.js'
import { repositoriesOver, type TransactionRepositories } from './infra/repositories/transaction.js'
import { createUserTokensRepository, type UserTokensRepository } from './infra/repositories/user-tokens.js'
import { createMetrics, type Metrics } from './infra/metrics/metrics.js'
import type { OutageLog } from './infra/outage-log.js'
import { createUserRecordsRepository, type UserRecordsRepository } from './infra/repositories/user-records.js'
import { createPasswordHasher, hashPolicyOf, type PasswordHasher } from './infra/passwords/password-hasher.js'
import { createAuditRepository, type AuditRepository } from './infra/repositories/audit.js'
import { createMfaRepository, type MfaRepository } from './infra/repositories/mfa.js'
import { createPasskeysRepository, type PasskeysRepository } from './infra/repositories/passkeys.js'
import { createOAuthClientsRepository, type OAuthClientsRepository } from './infra/repositories/oauth-clients.js'
import { createOidcConsentsRepository, type OidcConsentsRepository } from './infra/repositories/oidc-consents.js'
import { createOidcGrantsRepository, type OidcGrantsRepository } from './infra/repositories/oidc-grants.js'
import { createRolesRepository, type RolesRepository } from './infra/repositories/roles.js'
import { createFederationFlowsRepository, type FederationFlowsRepository } from './infra/repositories/federation-flows.js'
import { createIdentityProvidersRepository, type IdentityProvidersRepository } from './infra/repositories/identity-providers.js'
import { createUserIdentitiesRepository, type UserIdentitiesRepository } from './infra/repositories/user-identities.js'
import { createSessionsRepository, type SessionsRepository } from './infra/repositories/sessions.js'
import { createThrottlesRepository, type ThrottlesRepository } from './infra/repositories/throttles.js'
import { createUsersRepository, type UsersRepository } from './infra/repositories/users.js'
import { createWebhooksRepository, type WebhooksRepository } from './infra/repositories/webhooks.js'
import { startDeliveryWorker } from './infra/events/delivery-worker.js'
import { createSessionReadModel, type SessionReadModel } from './infra/session-read-model.js'
import type { SigningKeyStore } from './infra/tokens/signing-key-store.js'
import { transactionRetryingLockConflicts } from './infra/db/lock-conflict.js'
import { createTokenProvider } from './infra/tokens/token-provider.js'
import type { TokenService } from './infra/tokens/token-service.js'

export type { Metrics }

export interface Context {
  readonly config: Config
  /**
   * The language of the page whose request this context serves (a catalogue tag, http/pages/pages.ts
   * contextOf), for the mails it queues; undefined outside the pages (the API, the CLI).
   */
  readonly requestLanguage?: string
  /**
   * The time every rule about time reads (infra/clock.ts): lockout windows, expiries, session ends,
   * token exp, TOTP steps. `ctx.clock.now()`, milliseconds since the epoch; the system clock unless
   * ContextOptions.clock says otherwise.
   */
  readonly clock: Clock
  readonly db: Knex
  readonly users: UsersRepository
  readonly sessions: SessionsRepository
  readonly roles: RolesRepository
  readonly audit: AuditRepository
  /** TOTP secrets, recovery codes and the MFA flows' single-use challenges. */
  readonly mfa: MfaRepository
  readonly passkeys: PasskeysRepository
  /**
   * Seals secrets at rest (TOTP seeds, private signing keys) under the data keys, never the JWT
   * secret; opens values older releases sealed under that secret.
   */
  readonly secretBox: SecretBox
  /** The data keys (HEIMDALL_DATA_KEYS or the data key file), read on first use. */
  readonly dataKeys: DataKeyring
  /**
   * The same repositories over the read replica (HEIMDALL_DATABASE_READ_URL), or over the primary
   * when there is none: for queries that may be a moment behind. Commands never use them.
   */
  readonly readers: { users: UsersRepository; sessions: SessionsRepository; roles: RolesRepository; audit: AuditRepository }
  readonly throttles: ThrottlesRepository
  readonly userTokens: UserTokensRepository
  readonly mailOutbox: MailOutboxRepository
  /** Mail templates and SMTP; servers with HEIMDALL_SMTP_URL also send from the outbox. */
  readonly mail: Mail
  /**
   * Runs `work` in one database transaction, over repositories bound to it: everything it writes
   * lands together or not at all. Inside, use only `tx` (SQLite has one connection: the context's
   * own repositories would wait for it). On MariaDB a transaction that loses a deadlock or a lock wait
   * is run again from the start, so `work` must do nothing but database reads and writes through `tx`.
   */
  transaction<T>(work: (tx: TransactionRepositories) => Promise<T>): Promise<T>
  /** The OAuth / OpenID Connect clients (client:create ...). */
  readonly oauthClients: OAuthClientsRepository
  /** The OpenID Connect provider's grants, as users see and revoke them on the account page. */
  readonly oidcGrants: OidcGrantsRepository
  /** What users allowed OpenID Connect clients, remembered across sign-ins. */
  readonly oidcConsents: OidcConsentsRepository
  /** Webhook endpoints, their deliveries and attempts (webhook:create ...; docs/events.md). */
  readonly webhooks: WebhooksRepository
  /** The upstream identity providers people may sign in with (idp:create ...). */
  readonly identityProviders: IdentityProvidersRepository
  /** Upstream identities linked to users, keyed on (provider, subject). */
  readonly userIdentities: UserIdentitiesRepository
  /** Upstream sign-ins in flight and links waiting for the person to prove a local account. */
  readonly federationFlows: FederationFlowsRepository
  /** Users in bulk: user:import's batches, user:export's pages. */
  readonly userRecords: UserRecordsRepository
  readonly logger: Logger
  readonly passwords: PasswordHasher
  readonly sessionStates: SessionReadModel
  /** Built on first use, so commands that never touch a token need no secret. */
  readonly tokens: TokenService
  /** The RS256 / EdDSA keys in the database (HEIMDALL_JWT_ALG); reads the data keys only to encrypt or decrypt one. */
  readonly signingKeys: SigningKeyStore
  /** Where the signing secret comes from (a path or a variable name), for the operator. */
  readonly secretSource: string
  /**
   * A 256-bit key for one purpose (e.g. "csrf"), derived from the signing secret with HKDF-SHA256
   * (RFC 5869): every worker and instance that shares the secret derives the same key, and no two
   * purposes share one. Derived on first use, like the secret.
   */
  derivedKey(purpose: string): KeyObject
  readonly metrics: Metrics
  /** Where failures to reach the primary database are reported: a server logs an outage as a few lines, not one per failure. */
  readonly databaseOutage: OutageLog
  /**
   * Tells every cache that a session (or all of a user's sessions) changed: this process at once,
   * sibling cluster workers before it resolves, other processes through their revocation poller.
   */
  invalidate(invalidation: Invalidation): Promise<void>
  /** How revocations reach other instances: Redis pub/sub when configured, else each instance's database poll. */
  revocationBus(): RevocationBusStatus
  /** Set once migrations are applied: until then the server is not ready. */
  ready: boolean
  close(): Promise<void>
}

export interface ContextOptions {
  /**
   * Long-running servers watch for revocations made by other processes, sweep old counters, and log
   * database outages (one-shot commands report theirs as their error).
   */
  watchRevocations?: boolean
  /** Where log lines go (default: stdout). Pretty lines when it is a terminal (isTTY), JSON otherwise. */
  logDestination?: DestinationStream & { isTTY?: boolean }
  /**
   * Hashes and checks passwords (default: bcrypt at HEIMDALL_BCRYPT_COST, whose floor of 10 is a
   * production rule the configuration enforces). Tests hand in a cheaper hasher here, so that a few
   * thousand registrations do not cost minutes of CPU; nothing reads this from the environment.
   */
  passwords?: PasswordHasher
  /**
   * Where the use cases and the token service read the time (default: the system clock, Date.now).
   * Tests hand in a clock they move, so that a lockout window or an expiry passes without a sleep;
   * nothing reads this from the environment. What stays on the system clock: infra/clock.ts.
   */
  clock?: Clock
}

/**
 * The composition root: both doors build their world here, once. Wiring only: what runs on a timer
 * lives in infra/background-jobs.ts, where an invalidation goes in infra/cluster/invalidation-fanout.ts.
 */
export function createContext(config: Config, options: ContextOptions = {}): Context {
  const clock = options.clock ?? systemClock
  const logger = createLogger({ level: config.logLevel, format: config.logFormat, destination: options.logDestination })
  // Queries of a serving server get a deadline; migrations (before it is ready) and the CLI do not.
  const knexOptions = { logger, queryDeadlineMs: () => (context.ready ? config.databaseTimeoutMs : undefined), poolSize: config.databasePoolSize }
  const db = createKnex(config.databaseUrl, config.databaseType, knexOptions)
  const users = createUsersRepository(db)
  const sessions = createSessionsRepository(db)
  const roles = createRolesRepository(db)
  // An event a Shared Signals push stream may want wakes this server's push sender once it has
  // committed: its SET leaves at once, not at the next HEIMDALL_SSF_PUSH_INTERVAL_MS round.
  const auditHooks = { eventCommitted: (eventType: string) => (isSsfSourceType(eventType) ? ssfPush?.wake() : undefined) }
  const audit = createAuditRepository(db, auditHooks)
  const replicaDb = config.databaseReadUrl ? createKnex(config.databaseReadUrl, config.databaseType, knexOptions) : undefined
  const readers = replicaDb
    ? { users: createUsersRepository(replicaDb), sessions: createSessionsRepository(replicaDb), roles: createRolesRepository(replicaDb), audit: createAuditRepository(replicaDb) }
    : { users, sessions, roles, audit }
  const sessionStates = createSessionReadModel({
    sources: { replica: replicaDb ? readers : undefined, primary: { sessions, roles }, replicaMaxLagMs: config.replicaMaxLagMs },
    ttlSeconds: config.sessionCacheTtlSeconds,
    mfaRequiredRoles: config.mfaRequiredRoles,
  })
  const throttles = createThrottlesRepository(db)
  const databaseOutage = createDatabaseOutageLog(logger)
  if (options.watchRevocations) watchConnections(db, databaseOutage)
  const mfa = createMfaRepository(db)
  const mailOutbox = createMailOutboxRepository(db)
  // Servers with SMTP send from the outbox; every other process only queues.
  const mail = createMail({
    config,
    outbox: mailOutbox,
    logger,
    sendFromOutbox: options.watchRevocations === true,
    isReady: () => context.ready,
    databaseOutage,
    countOutcome: (outcome) => context.metrics.countMail(outcome),
  })
  const fanout = createInvalidationFanout({ sessionStates, redisUrl: config.redisUrl, logger, listen: options.watchRevocations === true })
  const clusterMetrics = createClusterMetrics(() => context.metrics.snapshot())
  const dataKeys = createDataKeyring(config)
  const secretBox = createSecretBox({ keyring: dataKeys, legacy: createLegacyOpener(() => tokens.jwtSecret()) })
  const tokens = createTokenProvider(config, db, secretBox, clock)
  const webhooks = createWebhooksRepository(db)
  // Servers deliver webhooks, off the request path; every other process only queues them (with its events).
  const deliveryWorker = options.watchRevocations && config.webhookDeliver
    ? startDeliveryWorker({
        db,
        secretBox,
        logger,
        allowPrivate: config.webhookAllowPrivate,
        timeoutMs: config.webhookTimeoutMs,
        retryBaseMs: config.webhookRetryBaseMs,
        retryForSeconds: config.webhookRetryForSeconds,
        pollMs: config.webhookPollMs,
        keepDeliveredMs: config.webhookKeepDeliveredSeconds * 1000,
        isReady: () => context.ready,
        databaseOutage,
        countOutcome: (endpoint, outcome) => context.metrics.countWebhook(endpoint, outcome),
      })
    : undefined
  const jobs = options.watchRevocations
    ? startBackgroundJobs({ config, logger, databaseOutage, sessions, users, audit, throttles, mfa, sessionStates, builtTokens: tokens.built, isReady: () => context.ready, sweepOidc: config.oidcEnabled ? () => sweepExpiredOidcPayloads(db, Date.now()) : undefined })
    : undefined

  const context: Context = {
    config,
    clock,
    db,
    users,
    sessions,
    roles,
    audit,
    mfa,
    passkeys: createPasskeysRepository(db),
    secretBox,
    dataKeys,
    readers,
    throttles,
    userTokens: createUserTokensRepository(db),
    mailOutbox,
    mail,
    transaction: (work) => transactionRetryingLockConflicts(db, (trx) => work(repositoriesOver(trx, auditHooks))),
    oauthClients: createOAuthClientsRepository(db),
    oidcGrants: createOidcGrantsRepository(db),
    oidcConsents: createOidcConsentsRepository(db),
    webhooks,
    identityProviders: createIdentityProvidersRepository(db),
    userIdentities: createUserIdentitiesRepository(db),
    federationFlows: createFederationFlowsRepository(db),
    userRecords: createUserRecordsRepository(db),
    logger,
    passwords: options.passwords ?? createPasswordHasher(hashPolicyOf(config)),
    sessionStates,
    get tokens() {
      return tokens.service()
    },
    signingKeys: tokens.signingKeys,
    derivedKey: (purpose) => tokens.derivedKey(purpose),
    get secretSource() {
      return tokens.secretSource()
    },
    metrics: createMetrics({
      cacheStats: () => sessionStates.stats(),
      countActiveSessions: () => readers.sessions.countActiveSessions(clock.now()),
      countUnsentMails: () => mailOutbox.countUnsentMails(),
      webhookQueues: () => webhooks.findQueueStats(),
      poolStats: () => poolStats(db),
      siblingSnapshots: () => clusterMetrics.siblingSnapshots(),
    }),
    databaseOutage,
    invalidate(invalidation) {
      // `this`, not the root logger: called on a request's context, the warning carries its req_id.
      return fanout.invalidate(invalidation, this.logger)
    },
    revocationBus: () => fanout.revocationBus(),
    ready: false,
    async close() {
      jobs?.stop()
      await ssfPush?.stop()
      clusterMetrics.close()
      sessionStates.close()
      // The pass in progress finishes (and records what it sent) before the pool goes.
      await mail.close()
      await deliveryWorker?.stop()
      await Promise.all([db.destroy(), replicaDb?.destroy(), fanout.close()])
    },
  }
  // Shared Signals push streams (RFC 8935) are fed from the event table by every server, each stream
  // claimed by one at a time (usecases/ssf/push-events.ts).
  const ssfPush = options.watchRevocations
    ? startSsfPushWorker({ intervalMs: config.ssfPushIntervalMs, round: () => pushDueEvents(context), isReady: () => context.ready, logger, databaseOutage })
    : undefined
  return context
}
