import { statSync } from 'node:fs'
import { DURATION_RANGES, MAX_TIMER_MS, parseDuration, type DurationRange } from './domain/durations.js'
import { JWT_ALGS, type JwtAlg } from './domain/signing-key-lifecycle.js'
import { HeimdallError } from './errors.js'
import { parseKeyring } from './infra/data-keys/keyring.js'

export type DatabaseType = 'sqlite' | 'mysql' | 'postgres'

export interface Config {
  readonly databaseUrl: string
  readonly databaseType: DatabaseType
  /** Undefined means "not configured": the embedded default generates and persists one. */
  readonly jwtSecret: string | undefined
  /** Where a generated secret is kept when none is configured. */
  readonly secretFile: string
  /**
   * HEIMDALL_DATA_KEYS: the keys that seal secrets at rest (TOTP seeds, private signing keys), as
   * `id:key` entries (32 random bytes, base64url), comma-separated, the first sealing. Undefined: the
   * data key file. Checked at load; infra/data-keys/ parses it again where it is used.
   */
  readonly dataKeys: string | undefined
  /** HEIMDALL_DATA_KEY_FILE; undefined: `data-keys` beside the JWT secret file (infra/data-keys/key-source.ts). */
  readonly dataKeyFile: string | undefined
  readonly jwtIssuer: string
  /**
   * HS256 signs with the shared secret; RS256 and EdDSA sign with a private key kept in the database
   * (encrypted under the data keys) and publish the public keys at /.well-known/jwks.json.
   */
  readonly jwtAlg: JwtAlg
  readonly host: string
  readonly port: number
  readonly accessTokenTtlSeconds: number
  readonly bcryptCost: number
  readonly environment: string
  readonly refreshTokenTtlSeconds: number
  /** How long a worker may serve a cached session before re-reading it. */
  readonly sessionCacheTtlSeconds: number
  /** How often each server process looks for revocations made by other processes. */
  readonly revocationPollMs: number
  /** How long a client has to send a request's headers before the connection is closed (408); slow-header (Slowloris) defence. */
  readonly headersTimeoutSeconds: number
  /** How long a client has to send a whole request, headers and body; a body trickled slower is cut off (408). */
  readonly requestTimeoutSeconds: number
  /** Worker processes for `serve` (node:cluster). */
  readonly workers: number
  /** Failed logins of one account within the window after which its logins answer 429. */
  readonly lockoutMaxFailures: number
  readonly lockoutWindowSeconds: number
  /** Requests per minute per IP on each command endpoint (register, login, refresh); 0 disables. */
  readonly rateLimitPerMinute: number
  /** Reverse proxies in front of Heimdall whose X-Forwarded-For entries name the client; 0: the socket's address. */
  readonly trustedProxies: number
  readonly logLevel: string
  /** Redis that carries revocations between instances at once; without it, each instance polls. */
  readonly redisUrl: string | undefined
  /** A read replica for the query side; commands and just-changed sessions read the primary. */
  readonly databaseReadUrl: string | undefined
  /** How long after a change a session is read from the primary instead of the replica. */
  readonly replicaMaxLagMs: number
  /** auto: pretty lines on a terminal, JSON otherwise. */
  readonly logFormat: LogFormat
  /** When set, POST /oauth/introspect requires `Authorization: Bearer <this>`. */
  readonly introspectionToken: string | undefined
  /**
   * Where people reach Heimdall's pages (the links in mails point here), without a trailing slash;
   * an https URL also marks the pages' cookies Secure. Its host name is the WebAuthn relying party id and
   * its origin the origin passkey ceremonies must come from. Unset: http://localhost:<port>
   * (defaultPublicUrlOf), a name passkeys accept, on the port this process would listen on.
   */
  readonly publicUrl: string
  /**
   * How long a serving server waits for one MySQL query (milliseconds) before it gives the connection
   * up and answers 503: a database that hangs (a stopped process, a lost network) neither refuses nor
   * closes, and would hold the request forever. Migrations have no such limit.
   */
  readonly databaseTimeoutMs: number
  /** Holders of any of these roles must have a second factor (HEIMDALL_MFA_REQUIRED_ROLES, comma-separated). */
  readonly mfaRequiredRoles: readonly string[]
  /** smtp://user:pass@host:587 or smtps://...; without it mails stay pending in the outbox. */
  readonly smtpUrl: string | undefined
  /** The From of every mail: an address, or "Name <address>". */
  readonly mailFrom: string
  /** A folder whose `<kind>.<subject|text|html>.eta` files replace the built-in mail templates. */
  readonly mailTemplatesDir: string | undefined
  /** Attempts at sending one mail before it is marked failed. */
  readonly mailMaxAttempts: number
  /** Delay before the first retry of a mail, in ms; it doubles with each further attempt (at most an hour). */
  readonly mailRetryDelayMs: number
  /** How often `serve` looks for due mails, in ms (a mail queued by the same process goes at once). */
  readonly mailPollMs: number
  /** How long a password-reset link works, in seconds. */
  readonly resetTokenTtlSeconds: number
  /** How long an email-verification or email-change link works, in seconds. */
  readonly emailTokenTtlSeconds: number
  /** When true, an account whose address is not verified cannot log in (403). */
  readonly requireVerifiedEmail: boolean
  /**
   * HEIMDALL_OIDC_ENABLED: serve OpenID Connect / OAuth 2 under `${publicUrl}/oidc` (the issuer). With
   * HS256 access tokens an RS256 key is still created, since ID tokens are verified by third parties.
   */
  readonly oidcEnabled: boolean
}

export type LogFormat = 'auto' | 'json' | 'pretty'

export type ConfigOverrides = Partial<Pick<Config, 'databaseUrl' | 'host' | 'port' | 'jwtSecret' | 'workers'>>

/**
 * Every setting's default, in one place: the loader falls back to these, config:show marks the values
 * that are theirs, and the CLI's flag help quotes them. Units as in Config (seconds, ms where named).
 */
export const CONFIG_DEFAULTS = Object.freeze({
  databaseUrl: 'sqlite:./data/heimdall.db',
  secretFile: './data/jwt-secret',
  jwtIssuer: 'heimdall',
  jwtAlg: 'HS256',
  host: '127.0.0.1',
  port: 8000,
  accessTokenTtlSeconds: 15 * 60,
  bcryptCost: 12,
  environment: 'production',
  refreshTokenTtlSeconds: 30 * 86400,
  sessionCacheTtlSeconds: 300,
  revocationPollMs: 250,
  headersTimeoutSeconds: 10,
  requestTimeoutSeconds: 30,
  workers: 1,
  lockoutMaxFailures: 5,
  lockoutWindowSeconds: 15 * 60,
  rateLimitPerMinute: 600,
  trustedProxies: 0,
  logLevel: 'info',
  replicaMaxLagMs: 5000,
  logFormat: 'auto',
  publicUrl: 'http://localhost:8000',
  databaseTimeoutMs: 10_000,
  mailFrom: 'Heimdall <heimdall@localhost>',
  mailMaxAttempts: 8,
  mailRetryDelayMs: 30_000,
  mailPollMs: 2_000,
  resetTokenTtlSeconds: 30 * 60,
  emailTokenTtlSeconds: 86_400,
} as const satisfies Partial<Record<keyof Config, string | number>>)

export const DEFAULT_DATABASE_URL = CONFIG_DEFAULTS.databaseUrl
export const MIN_SECRET_BYTES = 32
export const MIN_BCRYPT_COST = 10
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
const LOG_FORMATS: LogFormat[] = ['auto', 'json', 'pretty']

/** Builds the one typed, frozen configuration; anything invalid fails here, at start-up. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): Config {
  const databaseUrl = overrides.databaseUrl ?? nonEmpty(env.HEIMDALL_DATABASE_URL) ?? CONFIG_DEFAULTS.databaseUrl
  const jwtSecret = overrides.jwtSecret ?? nonEmpty(env.HEIMDALL_JWT_SECRET)
  if (jwtSecret !== undefined) assertStrongSecret(jwtSecret, 'HEIMDALL_JWT_SECRET')

  const dataKeys = nonEmpty(env.HEIMDALL_DATA_KEYS)
  if (dataKeys !== undefined) parseKeyring(dataKeys, 'HEIMDALL_DATA_KEYS')

  const bcryptCost = parseInteger(env.HEIMDALL_BCRYPT_COST, CONFIG_DEFAULTS.bcryptCost, 'HEIMDALL_BCRYPT_COST')
  if (bcryptCost < MIN_BCRYPT_COST || bcryptCost > 31) {
    throw configError(`HEIMDALL_BCRYPT_COST must be between ${MIN_BCRYPT_COST} and 31 (got ${bcryptCost})`)
  }

  const port = overrides.port ?? parseInteger(env.HEIMDALL_PORT, CONFIG_DEFAULTS.port, 'HEIMDALL_PORT')
  if (port < 0 || port > 65535) throw configError(`HEIMDALL_PORT must be between 0 and 65535 (got ${port})`)

  const accessTokenTtlSeconds = duration(env.HEIMDALL_ACCESS_TOKEN_TTL, CONFIG_DEFAULTS.accessTokenTtlSeconds, 'HEIMDALL_ACCESS_TOKEN_TTL', DURATION_RANGES.accessToken)

  const trustedProxies = parseInteger(env.HEIMDALL_TRUSTED_PROXIES, CONFIG_DEFAULTS.trustedProxies, 'HEIMDALL_TRUSTED_PROXIES')
  if (trustedProxies < 0 || trustedProxies > 10) throw configError(`HEIMDALL_TRUSTED_PROXIES must be between 0 and 10 (got ${trustedProxies})`)
  const workers = overrides.workers ?? parseInteger(env.HEIMDALL_WORKERS, CONFIG_DEFAULTS.workers, 'HEIMDALL_WORKERS')
  if (workers < 1 || workers > 64) throw configError(`HEIMDALL_WORKERS must be between 1 and 64 (got ${workers})`)

  const revocationPollMs = timerMs(env.HEIMDALL_REVOCATION_POLL_MS, CONFIG_DEFAULTS.revocationPollMs, 'HEIMDALL_REVOCATION_POLL_MS', 10)

  const headersTimeoutSeconds = duration(env.HEIMDALL_HEADERS_TIMEOUT, CONFIG_DEFAULTS.headersTimeoutSeconds, 'HEIMDALL_HEADERS_TIMEOUT', DURATION_RANGES.headersTimeout)
  const requestTimeoutSeconds = duration(env.HEIMDALL_REQUEST_TIMEOUT, CONFIG_DEFAULTS.requestTimeoutSeconds, 'HEIMDALL_REQUEST_TIMEOUT', DURATION_RANGES.requestTimeout)
  if (headersTimeoutSeconds > requestTimeoutSeconds) {
    throw configError(`HEIMDALL_HEADERS_TIMEOUT (${headersTimeoutSeconds} s) must not exceed HEIMDALL_REQUEST_TIMEOUT (${requestTimeoutSeconds} s): the headers are part of the request`)
  }

  const logLevel = nonEmpty(env.HEIMDALL_LOG_LEVEL) ?? CONFIG_DEFAULTS.logLevel
  if (!LOG_LEVELS.includes(logLevel)) throw configError(`HEIMDALL_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`)

  const logFormat = (nonEmpty(env.HEIMDALL_LOG_FORMAT) ?? CONFIG_DEFAULTS.logFormat) as LogFormat
  if (!LOG_FORMATS.includes(logFormat)) throw configError(`HEIMDALL_LOG_FORMAT must be one of ${LOG_FORMATS.join(', ')} (got "${logFormat}")`)

  const jwtAlg = parseJwtAlg(env.HEIMDALL_JWT_ALG)

  const introspectionToken = nonEmpty(env.HEIMDALL_INTROSPECTION_TOKEN)
  if (introspectionToken !== undefined) assertStrongSecret(introspectionToken, 'HEIMDALL_INTROSPECTION_TOKEN')

  const lockoutMaxFailures = parseInteger(env.HEIMDALL_LOCKOUT_MAX_FAILURES, CONFIG_DEFAULTS.lockoutMaxFailures, 'HEIMDALL_LOCKOUT_MAX_FAILURES')
  if (lockoutMaxFailures < 1) throw configError('HEIMDALL_LOCKOUT_MAX_FAILURES must be at least 1')

  const databaseTimeoutSeconds = duration(env.HEIMDALL_DATABASE_TIMEOUT, CONFIG_DEFAULTS.databaseTimeoutMs / 1000, 'HEIMDALL_DATABASE_TIMEOUT', DURATION_RANGES.databaseTimeout)
  const redisUrl = nonEmpty(env.HEIMDALL_REDIS_URL)
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) throw configError(`HEIMDALL_REDIS_URL must start with redis:// or rediss:// (got "${redactUrl(redisUrl)}")`)
  const databaseReadUrl = nonEmpty(env.HEIMDALL_DATABASE_READ_URL)
  if (databaseReadUrl !== undefined && databaseTypeOf(databaseReadUrl) !== databaseTypeOf(databaseUrl)) {
    throw configError('HEIMDALL_DATABASE_READ_URL must be the same kind of database as HEIMDALL_DATABASE_URL')
  }

  const publicUrl = parsePublicUrl(env.HEIMDALL_PUBLIC_URL, port)
  const mfaRequiredRoles = Object.freeze(
    (nonEmpty(env.HEIMDALL_MFA_REQUIRED_ROLES) ?? '')
      .split(',')
      .map((role) => role.trim())
      .filter((role) => role !== ''),
  )
  const smtpUrl = nonEmpty(env.HEIMDALL_SMTP_URL)?.trim()
  if (smtpUrl !== undefined && !/^smtps?:\/\/[^/]/.test(smtpUrl)) {
    throw configError(`HEIMDALL_SMTP_URL must look like smtp://user:pass@host:587 or smtps://user:pass@host:465 (got "${redactUrl(smtpUrl)}")`)
  }
  const mailFrom = nonEmpty(env.HEIMDALL_MAIL_FROM)?.trim() ?? CONFIG_DEFAULTS.mailFrom
  if (!/^[^\r\n]*@[^\r\n]*$/.test(mailFrom)) throw configError(`HEIMDALL_MAIL_FROM must be an address such as "Heimdall <auth@example.com>" (got "${mailFrom}")`)
  const mailTemplatesDir = nonEmpty(env.HEIMDALL_MAIL_TEMPLATES)?.trim()
  if (mailTemplatesDir !== undefined && !isDirectory(mailTemplatesDir)) throw configError(`HEIMDALL_MAIL_TEMPLATES must be a folder (got "${mailTemplatesDir}")`)
  const mailMaxAttempts = bounded(parseInteger(env.HEIMDALL_MAIL_MAX_ATTEMPTS, CONFIG_DEFAULTS.mailMaxAttempts, 'HEIMDALL_MAIL_MAX_ATTEMPTS'), 1, 50, 'HEIMDALL_MAIL_MAX_ATTEMPTS')
  const mailRetryDelayMs = bounded(parseInteger(env.HEIMDALL_MAIL_RETRY_MS, CONFIG_DEFAULTS.mailRetryDelayMs, 'HEIMDALL_MAIL_RETRY_MS'), 10, 3_600_000, 'HEIMDALL_MAIL_RETRY_MS')
  const mailPollMs = bounded(parseInteger(env.HEIMDALL_MAIL_POLL_MS, CONFIG_DEFAULTS.mailPollMs, 'HEIMDALL_MAIL_POLL_MS'), 10, 600_000, 'HEIMDALL_MAIL_POLL_MS')
  // Bounded: a link that lives for days is a standing credential in a mailbox.
  const resetTokenTtlSeconds = duration(env.HEIMDALL_RESET_TOKEN_TTL, CONFIG_DEFAULTS.resetTokenTtlSeconds, 'HEIMDALL_RESET_TOKEN_TTL', DURATION_RANGES.resetToken)
  const emailTokenTtlSeconds = duration(env.HEIMDALL_EMAIL_TOKEN_TTL, CONFIG_DEFAULTS.emailTokenTtlSeconds, 'HEIMDALL_EMAIL_TOKEN_TTL', DURATION_RANGES.emailToken)
  const requireVerifiedEmail = parseBoolean(env.HEIMDALL_REQUIRE_VERIFIED_EMAIL, false, 'HEIMDALL_REQUIRE_VERIFIED_EMAIL')
  const oidcEnabled = parseBoolean(env.HEIMDALL_OIDC_ENABLED, false, 'HEIMDALL_OIDC_ENABLED')
  const jwtIssuer = nonEmpty(env.HEIMDALL_JWT_ISSUER) ?? CONFIG_DEFAULTS.jwtIssuer
  // The issuer tells Heimdall's own tokens from the provider's access tokens for Heimdall (RFC 9068).
  if (oidcEnabled && jwtIssuer === oidcIssuerOf({ publicUrl })) throw configError(`HEIMDALL_JWT_ISSUER must differ from the OpenID issuer ${jwtIssuer}`)

  return Object.freeze({
    databaseUrl,
    databaseType: databaseTypeOf(databaseUrl),
    jwtSecret,
    secretFile: nonEmpty(env.HEIMDALL_SECRET_FILE) ?? CONFIG_DEFAULTS.secretFile,
    dataKeys,
    dataKeyFile: nonEmpty(env.HEIMDALL_DATA_KEY_FILE)?.trim(),
    jwtIssuer,
    jwtAlg,
    host: overrides.host ?? nonEmpty(env.HEIMDALL_HOST) ?? CONFIG_DEFAULTS.host,
    port,
    accessTokenTtlSeconds,
    bcryptCost,
    environment: nonEmpty(env.HEIMDALL_ENV) ?? CONFIG_DEFAULTS.environment,
    refreshTokenTtlSeconds: duration(env.HEIMDALL_REFRESH_TOKEN_TTL, CONFIG_DEFAULTS.refreshTokenTtlSeconds, 'HEIMDALL_REFRESH_TOKEN_TTL', DURATION_RANGES.refreshToken),
    sessionCacheTtlSeconds: duration(env.HEIMDALL_SESSION_CACHE_TTL, CONFIG_DEFAULTS.sessionCacheTtlSeconds, 'HEIMDALL_SESSION_CACHE_TTL', DURATION_RANGES.sessionCache),
    revocationPollMs,
    headersTimeoutSeconds,
    requestTimeoutSeconds,
    workers,
    lockoutMaxFailures,
    lockoutWindowSeconds: duration(env.HEIMDALL_LOCKOUT_WINDOW, CONFIG_DEFAULTS.lockoutWindowSeconds, 'HEIMDALL_LOCKOUT_WINDOW', DURATION_RANGES.lockoutWindow),
    rateLimitPerMinute: parseInteger(env.HEIMDALL_RATE_LIMIT_PER_MINUTE, CONFIG_DEFAULTS.rateLimitPerMinute, 'HEIMDALL_RATE_LIMIT_PER_MINUTE'),
    trustedProxies,
    logLevel,
    redisUrl,
    databaseReadUrl,
    replicaMaxLagMs: duration(env.HEIMDALL_REPLICA_MAX_LAG, CONFIG_DEFAULTS.replicaMaxLagMs / 1000, 'HEIMDALL_REPLICA_MAX_LAG', DURATION_RANGES.replicaMaxLag) * 1000,
    logFormat,
    introspectionToken,
    publicUrl,
    databaseTimeoutMs: databaseTimeoutSeconds * 1000,
    mfaRequiredRoles,
    smtpUrl,
    mailFrom,
    mailTemplatesDir,
    mailMaxAttempts,
    mailRetryDelayMs,
    mailPollMs,
    resetTokenTtlSeconds,
    emailTokenTtlSeconds,
    requireVerifiedEmail,
    oidcEnabled,
  })
}

export const DEFAULT_MAIL_FROM = CONFIG_DEFAULTS.mailFrom

function bounded(value: number, min: number, max: number, name: string, unit = ''): number {
  if (value < min || value > max) throw configError(`${name} must be between ${min} and ${max}${unit ? ` ${unit}` : ''} (got ${value})`)
  return value
}

function parseBoolean(raw: string | undefined, fallback: boolean, name: string): boolean {
  const value = nonEmpty(raw)?.trim().toLowerCase()
  if (value === undefined) return fallback
  if (['true', '1', 'yes', 'on'].includes(value)) return true
  if (['false', '0', 'no', 'off'].includes(value)) return false
  throw configError(`${name} must be true or false (got "${raw}")`)
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

export const DEFAULT_PUBLIC_URL = CONFIG_DEFAULTS.publicUrl

/**
 * HEIMDALL_PUBLIC_URL when unset: http://localhost on the port the server listens on (HEIMDALL_PORT
 * or `serve --port`). localhost, not 127.0.0.1: browsers refuse an IP address as a WebAuthn relying
 * party id, and treat http://localhost as a secure context. Port 0 (picked at listen time) cannot be
 * named in advance: the default port stands in, and `serve` and `doctor` say to set the URL.
 */
export function defaultPublicUrlOf(port: number): string {
  return `http://localhost:${port === 0 ? CONFIG_DEFAULTS.port : port}`
}

/** Where the OpenID provider is mounted under HEIMDALL_PUBLIC_URL. */
export const OIDC_PATH = '/oidc'

/** The OpenID provider's issuer, the iss of everything it signs: `${HEIMDALL_PUBLIC_URL}/oidc`. */
export function oidcIssuerOf(config: Pick<Config, 'publicUrl'>): string {
  return `${config.publicUrl}${OIDC_PATH}`
}

/**
 * Heimdall's own resource identifier (RFC 8707): HEIMDALL_PUBLIC_URL as configured, without a
 * trailing slash (e.g. `https://auth.example.com`). Access tokens the provider issues for it carry it
 * as their aud, and validate at /auth/validate like Heimdall's own (docs/oidc.md).
 */
export function heimdallResourceOf(config: Pick<Config, 'publicUrl'>): string {
  return config.publicUrl
}

/** An absolute http(s) URL, maybe with a path prefix; no query or fragment, since links append to it. */
function parsePublicUrl(raw: string | undefined, port: number): string {
  const value = nonEmpty(raw)?.trim()
  if (value === undefined) return defaultPublicUrlOf(port)
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw configError(`HEIMDALL_PUBLIC_URL must be an absolute URL such as https://auth.example.com (got "${value}")`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw configError(`HEIMDALL_PUBLIC_URL must start with http:// or https:// (got "${value}")`)
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw configError(`HEIMDALL_PUBLIC_URL must have no query, fragment or credentials (got "${value}")`)
  }
  return url.toString().replace(/\/+$/, '')
}

export function assertStrongSecret(secret: string, source: string): void {
  const bytes = Buffer.byteLength(secret, 'utf8')
  if (bytes < MIN_SECRET_BYTES) {
    throw configError(`${source} is too short: ${bytes} bytes, at least ${MIN_SECRET_BYTES} are required`)
  }
}

export function databaseTypeOf(url: string): DatabaseType {
  if (url.startsWith('sqlite:')) return 'sqlite'
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) return 'mysql'
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return 'postgres'
  throw configError(`Unsupported database URL "${redactUrl(url)}": use sqlite:PATH, mysql://user:pass@host:3306/db or postgres://user:pass@host:5432/db`)
}

/** A database URL fit for printing: the password never leaves the process. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@')
}

/** Spelled as in JOSE (HS256, RS256, EdDSA); other capitalisations are accepted and normalised. */
function parseJwtAlg(raw: string | undefined): JwtAlg {
  const value = nonEmpty(raw)?.trim()
  if (value === undefined) return CONFIG_DEFAULTS.jwtAlg
  const alg = JWT_ALGS.find((candidate) => candidate.toLowerCase() === value.toLowerCase())
  if (!alg) throw configError(`HEIMDALL_JWT_ALG must be one of ${JWT_ALGS.join(', ')} (got "${value}")`)
  return alg
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value
}

function parseInteger(raw: string | undefined, fallback: number, name: string): number {
  if (nonEmpty(raw) === undefined) return fallback
  if (!/^\d+$/.test(raw!.trim())) throw configError(`${name} must be a whole number (got "${raw}")`)
  return Number(raw)
}

/**
 * A setting that becomes a timer's delay, in milliseconds: at most 2^31-1, the most a Node timer
 * holds (a longer one fires every millisecond, with a TimeoutOverflowWarning, and spins a core).
 */
function timerMs(raw: string | undefined, fallback: number, name: string, min: number): number {
  if (nonEmpty(raw) === undefined) return fallback
  if (!/^\d+$/.test(raw!.trim())) throw configError(`${name} must be a whole number of milliseconds (got "${raw}")`)
  const ms = Number(raw!.trim())
  if (ms < min || ms > MAX_TIMER_MS) throw configError(`${name} must be between ${min} and ${MAX_TIMER_MS} milliseconds, the longest a timer holds (got "${raw}")`)
  return ms
}

/** A duration setting in seconds, within its range (domain/durations.ts); the fallback when unset. */
function duration(raw: string | undefined, fallback: number, name: string, range: DurationRange): number {
  if (nonEmpty(raw) === undefined) return fallback
  const parsed = parseDuration(raw!, range)
  if (parsed.problem !== undefined) throw configError(`${name} ${parsed.problem}`)
  return parsed.seconds
}

function configError(message: string): HeimdallError {
  return new HeimdallError('config.invalid', message)
}
