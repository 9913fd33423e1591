import type { Config } from '../config.js'
import { isAsymmetric } from '../domain/signing-key-lifecycle.js'
import { startRevocationPoller } from './cluster/revocation-poller.js'
import { isDatabaseUnavailable } from './db/database-errors.js'
import type { Logger } from './logger.js'
import { createOutageLog, type OutageLog } from './outage-log.js'
import type { AuditRepository } from './repositories/audit.js'
import type { MfaRepository } from './repositories/mfa.js'
import type { SessionsRepository } from './repositories/sessions.js'
import type { ThrottlesRepository } from './repositories/throttles.js'
import type { UsersRepository } from './repositories/users.js'
import type { SessionReadModel } from './session-read-model.js'
import type { TokenService } from './tokens/token-service.js'

const SWEEP_INTERVAL_MS = 60_000
/**
 * How often a server re-reads the signing keys, to follow `keys:rotate` run elsewhere: it signs with
 * the new key from then on. Well inside the 60 s of skew a retired key stays published for.
 */
const KEY_RELOAD_MS = 5_000

export interface BackgroundJobSources {
  config: Config
  logger: Logger
  /** Where a job that cannot reach the database says so (a few lines per outage, not one per attempt). */
  databaseOutage: OutageLog
  sessions: SessionsRepository
  users: UsersRepository
  audit: AuditRepository
  throttles: ThrottlesRepository
  /** Its MFA challenges (mfa_token, enrolment token, WebAuthn challenges) are swept with the throttles. */
  mfa: MfaRepository
  sessionStates: SessionReadModel
  /** The token service once something built it; a server that never signed has nothing to reload. */
  builtTokens: () => TokenService | undefined
  /** Deletes the OpenID Connect provider's expired rows (when HEIMDALL_OIDC_ENABLED); answers how many. */
  sweepOidc?: () => Promise<number>
  /** Before migrations the tables may not exist yet: jobs stay quiet until the server is ready. */
  isReady: () => boolean
}

/**
 * The timers of a long-running server: the revocation poller (revocations made by other processes,
 * every HEIMDALL_REVOCATION_POLL_MS), the throttle sweeper (every minute) and, for RS256 / EdDSA, the
 * signing-key reloader (every 5 s). All unref'd: they never keep a process alive. stop() clears them.
 */
export function startBackgroundJobs(sources: BackgroundJobSources): { stop(): void } {
  const { config, logger, databaseOutage } = sources
  /** A job failed: an outage is the outage log's, anything else is worth its own line. */
  const reportFailure = (err: unknown, message: string) => (isDatabaseUnavailable(err) ? databaseOutage.down(err) : logger.warn({ err }, message))
  // The poll runs every 250 ms: a fault that persists is logged like an outage, not four times a second.
  const pollFailures = createOutageLog({
    logger,
    dependency: 'revocation poll',
    startMessage: 'revocation poll failed',
    reminderMessage: 'revocation poll still failing',
    endMessage: 'revocation poll works again',
  })
  const poller = startRevocationPoller({
    sessions: sources.sessions,
    users: sources.users,
    audit: sources.audit,
    sessionStates: sources.sessionStates,
    intervalMs: config.revocationPollMs,
    onError: (err) => {
      if (isDatabaseUnavailable(err)) databaseOutage.down(err)
      // Before migrations the tables may not exist yet: the server is not ready, and says so on /ready.
      else if (sources.isReady()) pollFailures.down(err)
    },
    onSuccess: () => {
      databaseOutage.up()
      pollFailures.up()
    },
  })
  const sweeper = startThrottleSweeper(sources.throttles, sources.mfa, config, reportFailure)
  const oidcSweeper = sources.sweepOidc
    ? setInterval(() => {
        if (sources.isReady()) sources.sweepOidc!().catch((err: unknown) => reportFailure(err, 'oidc sweep failed'))
      }, SWEEP_INTERVAL_MS)
    : undefined
  oidcSweeper?.unref()
  const keyReloader = isAsymmetric(config.jwtAlg)
    ? setInterval(() => {
        const tokens = sources.builtTokens()
        if (tokens && sources.isReady()) tokens.reload().catch((err: unknown) => reportFailure(err, 'signing key reload failed'))
      }, KEY_RELOAD_MS)
    : undefined
  keyReloader?.unref()
  return {
    stop() {
      poller.stop()
      clearInterval(sweeper)
      if (oidcSweeper) clearInterval(oidcSweeper)
      if (keyReloader) clearInterval(keyReloader)
    },
  }
}

/** Counters whose window has long passed, and MFA challenges past their life, are dead weight: drop them now and then. */
function startThrottleSweeper(
  throttles: ThrottlesRepository,
  mfa: MfaRepository,
  config: Config,
  reportFailure: (err: unknown, message: string) => void,
): NodeJS.Timeout {
  const longestWindowMs = Math.max(config.lockoutWindowSeconds * 1000, 60_000)
  const timer = setInterval(() => {
    throttles.deleteThrottlesOlderThan(Date.now() - 2 * longestWindowMs).catch((err: unknown) => reportFailure(err, 'throttle sweep failed'))
    mfa.deleteChallengesExpiredBefore(Date.now() - longestWindowMs).catch((err: unknown) => reportFailure(err, 'MFA challenge sweep failed'))
  }, SWEEP_INTERVAL_MS)
  timer.unref()
  return timer
}
