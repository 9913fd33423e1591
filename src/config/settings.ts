import { PASSWORD_ALGORITHMS } from '../domain/password-algorithms.js'
import { DURATION_RANGES, MAX_TIMER_MS } from '../domain/durations.js'
import { JWT_ALGS } from '../domain/signing-key-lifecycle.js'
import { parseKeyring } from '../domain/data-keyring.js'
import { contrast, DARK_PAGE, HEX_COLOUR, LIGHT_PAGE, MIN_CONTRAST } from '../domain/colour-contrast.js'
import { boolean, databaseUrl, duration, httpBaseUrl, integer, list, oneOf, path, secret, text, url, type Parser } from './parsers.js'
import { DEFAULT_PORT, databaseTypeOf, defaultPublicUrlOf, oidcIssuerOf, type DatabaseType } from './urls.js'

/**
 * Every setting of Heimdall, once: its variable, parser (with its bounds), default, doc, and whether it
 * is a secret. The Config type, loadConfig, `config:show` and the table in docs/configuration.md all
 * come from here; a new setting is one row. The keys are the Config's field names.
 */

/** The values loaded before a row, for a default that follows another setting (the public URL follows the port). */
export type Loaded = Readonly<Record<string, unknown>>

export interface Setting<T> {
  /** The environment variable. */
  readonly env: string
  readonly parser: Parser<Exclude<T, undefined>>
  /** The value when the variable is unset or blank; a function of the rows above it when it follows one. */
  readonly default: T | ((loaded: Loaded) => T)
  /** How the docs name a default that is no plain value (markdown); else the parser describes `default`. */
  readonly defaultDoc?: string
  /** What it does, for the docs' table (markdown, one line). */
  readonly doc: string
  /** `config:show` says only whether it is set, never the value. */
  readonly secret: boolean
  /** The CLI flag that wins over the variable. */
  readonly flag?: string
}

/** A setting with a default value; its type comes from the parser alone. */
function setting<T>(row: Omit<Setting<T>, 'secret' | 'parser' | 'default'> & { parser: Parser<T>; default: NoInfer<T> | ((loaded: Loaded) => NoInfer<T>); secret?: boolean }): Setting<T> {
  return { secret: false, ...row } as Setting<T>
}

/** A setting that may stay unset (undefined in Config); `defaultDoc` says what happens then. */
function optional<T>(row: Omit<Setting<T>, 'secret' | 'parser' | 'default' | 'defaultDoc'> & { parser: Parser<T>; defaultDoc: string; secret?: boolean }): Setting<T | undefined> {
  return { secret: false, default: undefined, ...row } as Setting<T | undefined>
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const
export type LogFormat = (typeof LOG_FORMATS)[number]
export const MIN_BCRYPT_COST = 10
/** OWASP's smallest argon2id memory (7 MiB, with t=5); its first choice is 19 MiB with t=2. */
export const MIN_ARGON2_MEMORY_KIB = 7168
export const MIN_ARGON2_ITERATIONS = 2

/** A branding file: its name must end in one of `extensions` (which decides its Content-Type); it is read at start-up. */
function brandFile(extensions: readonly string[]): Parser<string> {
  return text({
    accepts: `a file path ending in ${extensions.join(', ')}`,
    check: (value) => (extensions.some((extension) => value.toLowerCase().endsWith(extension)) ? undefined : `name a file ending in ${extensions.join(', ')}`),
  })
}

/** A #rrggbb colour with at least 4.5:1 contrast against `page` (WCAG AA). */
function colour(page: string, pages: string): Parser<string> {
  return text({
    accepts: '`#rrggbb`',
    check: (value) =>
      !HEX_COLOUR.test(value) ? 'be a colour such as #3157d5' : contrast(value, page) < MIN_CONTRAST ? `contrast at least ${MIN_CONTRAST}:1 with ${pages} (it has ${contrast(value, page).toFixed(2)}:1)` : undefined,
  })
}

export const SETTINGS = {
  databaseUrl: setting({
    env: 'HEIMDALL_DATABASE_URL',
    flag: '--database-url',
    parser: databaseUrl(),
    default: 'sqlite:./data/heimdall.db',
    doc: 'the database (MySQL / MariaDB via mysql2); its password is never printed',
  }),
  jwtSecret: optional({
    env: 'HEIMDALL_JWT_SECRET',
    parser: secret({ strong: true }),
    secret: true,
    defaultDoc: 'generated',
    doc: 'HS256 signing secret. Without one, the SQLite default generates a strong secret once and keeps it in `HEIMDALL_SECRET_FILE` (mode 0600; `serve` prints where). With MySQL it is required, because every instance must share it',
  }),
  secretFile: setting({
    env: 'HEIMDALL_SECRET_FILE',
    parser: path(),
    default: './data/jwt-secret',
    doc: 'where the generated JWT secret is kept when `HEIMDALL_JWT_SECRET` is unset',
  }),
  dataKeys: optional({
    env: 'HEIMDALL_DATA_KEYS',
    // Checked here, at start-up; infra/data-keys/ parses it again where the keys are used.
    parser: secret({ accepts: '`id:key` entries, comma-separated', check: (value, name) => void parseKeyring(value, name) }),
    secret: true,
    defaultDoc: 'unset',
    doc: 'the data keys themselves, instead of the file (for secret stores that hand out variables): `id:key` entries (32 random bytes, base64url), the first sealing; e.g. `k1:$(openssl rand -base64 32)`. `config:show` prints only the ids',
  }),
  dataKeyFile: optional({
    env: 'HEIMDALL_DATA_KEY_FILE',
    parser: path(),
    defaultDoc: '`data-keys` beside `HEIMDALL_SECRET_FILE`',
    doc: 'the data keys that encrypt secrets at rest (TOTP seeds, private signing keys): one `id:key` line each (32 random bytes, base64url), the first sealing, every one opening. Generated on first use (mode 0600) with SQLite, or with MySQL when this is set (point every instance at one shared file); with MySQL and neither this nor `HEIMDALL_DATA_KEYS`, nothing can be sealed and `doctor` fails. `heimdall data-key:rotate` adds a key and re-encrypts. See [Data at rest](security.md#data-at-rest)',
  }),
  jwtIssuer: setting({
    env: 'HEIMDALL_JWT_ISSUER',
    parser: text({ accepts: 'any text' }),
    default: 'heimdall',
    doc: 'the `iss` of the tokens Heimdall signs; with OpenID Connect on it must differ from the provider\'s issuer',
  }),
  jwtAlg: setting({
    env: 'HEIMDALL_JWT_ALG',
    parser: oneOf(JWT_ALGS, { ignoreCase: true }),
    default: 'HS256',
    doc: '`HS256` (the secret signs), `RS256` or `EdDSA` (a private key in the database signs, encrypted under the data key; public keys at `/.well-known/jwks.json`), see [Asymmetric tokens](tokens.md#asymmetric-tokens-rs256--eddsa-and-jwks)',
  }),
  accessTokenTtlSeconds: setting({
    env: 'HEIMDALL_ACCESS_TOKEN_TTL',
    parser: duration(DURATION_RANGES.accessToken),
    default: 15 * 60,
    doc: 'access token lifetime; never past the end of the token\'s session (the `exp` and `expires_in` are cut there)',
  }),
  refreshTokenTtlSeconds: setting({
    env: 'HEIMDALL_REFRESH_TOKEN_TTL',
    parser: duration(DURATION_RANGES.refreshToken),
    default: 30 * 86400,
    doc: 'refresh token lifetime (each rotation starts a new one); the session ends with its newest refresh token',
  }),
  bcryptCost: setting({
    env: 'HEIMDALL_BCRYPT_COST',
    // The floor holds in every environment: tests get cheap hashing from their context, not from here.
    parser: integer({ min: MIN_BCRYPT_COST, max: 31 }),
    default: 12,
    doc: 'bcrypt cost; lower than 10 is refused at start-up',
  }),
  passwordHash: setting({
    env: 'HEIMDALL_PASSWORD_HASH',
    parser: oneOf(PASSWORD_ALGORITHMS),
    default: 'bcrypt',
    doc: 'the algorithm new password hashes are made with. Stored hashes of any kind are checked by their own prefix, and one not of this algorithm and cost is replaced on the user\'s next sign-in. See [Passwords](security.md#passwords)',
  }),
  argon2MemoryKib: setting({
    env: 'HEIMDALL_ARGON2_MEMORY_KIB',
    // Floors as for bcrypt: tests get cheap hashing from their context, not from lower settings.
    parser: integer({ min: MIN_ARGON2_MEMORY_KIB, max: 4 * 1024 * 1024, unit: 'KiB' }),
    default: 19456,
    doc: 'argon2id memory per hash in KiB (OWASP: 19456 with 2 iterations); each hash in progress holds this much',
  }),
  argon2Iterations: setting({
    env: 'HEIMDALL_ARGON2_ITERATIONS',
    parser: integer({ min: MIN_ARGON2_ITERATIONS, max: 100 }),
    default: 2,
    doc: 'argon2id passes over its memory (time cost)',
  }),
  argon2Parallelism: setting({
    env: 'HEIMDALL_ARGON2_PARALLELISM',
    parser: integer({ min: 1, max: 16 }),
    default: 1,
    doc: 'argon2id lanes per hash',
  }),
  passwordHashQueue: setting({
    env: 'HEIMDALL_PASSWORD_HASH_QUEUE',
    parser: integer({ min: 0, max: 100000 }),
    default: 128,
    doc: 'password hashes and checks that may wait for a turn (one runs per core at a time); past this, sign-ins and password changes answer 503 `password.hashing_busy` with `Retry-After`',
  }),
  host: setting({
    env: 'HEIMDALL_HOST',
    flag: '--host',
    parser: text({ accepts: 'an interface address or name' }),
    default: '127.0.0.1',
    doc: 'where `serve` listens',
  }),
  port: setting({
    env: 'HEIMDALL_PORT',
    flag: '--port',
    parser: integer({ min: 0, max: 65535 }),
    default: DEFAULT_PORT,
    doc: 'the port `serve` listens on (`--port 0` picks a free port)',
  }),
  workers: setting({
    env: 'HEIMDALL_WORKERS',
    flag: '--workers',
    parser: integer({ min: 1, max: 64 }),
    default: 1,
    doc: 'worker processes of `serve` (node:cluster)',
  }),
  environment: setting({
    env: 'HEIMDALL_ENV',
    parser: text({ accepts: 'any text' }),
    default: 'production',
    doc: 'reported by `/health/detailed`',
  }),
  logLevel: setting({
    env: 'HEIMDALL_LOG_LEVEL',
    parser: oneOf<string>(LOG_LEVELS),
    default: 'info',
    doc: 'the least severe log line written',
  }),
  logFormat: setting({
    env: 'HEIMDALL_LOG_FORMAT',
    parser: oneOf(LOG_FORMATS),
    default: 'auto',
    doc: '`auto`: pretty lines when stdout is a terminal, JSON lines otherwise',
  }),
  sessionCacheTtlSeconds: setting({
    env: 'HEIMDALL_SESSION_CACHE_TTL',
    parser: duration(DURATION_RANGES.sessionCache),
    default: 300,
    doc: 'how long a worker keeps a session\'s state in its cache',
  }),
  revocationPollMs: setting({
    env: 'HEIMDALL_REVOCATION_POLL_MS',
    parser: integer({ min: 10, max: MAX_TIMER_MS, unit: 'milliseconds', why: 'the longest a timer holds' }),
    default: 250,
    doc: 'how often a server process looks for revocations made by other processes',
  }),
  ssfLongPollMs: setting({
    env: 'HEIMDALL_SSF_LONG_POLL_MS',
    parser: integer({ min: 0, max: 60_000, unit: 'milliseconds', why: 'a load balancer\'s idle timeout is often a minute' }),
    default: 10_000,
    doc: 'the longest a Shared Signals poll with `returnImmediately: false` waits for an event before answering an empty `sets` (RFC 8936; [ssf.md](ssf.md))',
  }),
  ssfPushIntervalMs: setting({
    env: 'HEIMDALL_SSF_PUSH_INTERVAL_MS',
    parser: integer({ min: 10, max: MAX_TIMER_MS, unit: 'milliseconds', why: 'the longest a timer holds' }),
    default: 100,
    doc: 'how often a server looks for events to push to Shared Signals push streams (RFC 8935) written by other processes (its own wake its push sender at once), and retries; a failing endpoint is retried with backoff, up to five minutes apart',
  }),
  redisUrl: optional({
    env: 'HEIMDALL_REDIS_URL',
    parser: url({ schemes: ['redis', 'rediss'] }),
    defaultDoc: 'unset',
    doc: 'e.g. `redis://host:6379`: revocations reach every instance through Redis pub/sub at once; without it, through each instance\'s database poll',
  }),
  databaseReadUrl: optional({
    env: 'HEIMDALL_DATABASE_READ_URL',
    parser: databaseUrl(),
    defaultDoc: 'unset',
    doc: 'a read replica (the same kind of database as `HEIMDALL_DATABASE_URL`) for the query side; commands always write to the primary',
  }),
  replicaMaxLagMs: setting({
    env: 'HEIMDALL_REPLICA_MAX_LAG',
    parser: duration(DURATION_RANGES.replicaMaxLag, { inMs: true }),
    default: 5000,
    doc: 'how long after a change a session or user is read from the primary rather than the replica',
  }),
  databasePoolSize: setting({
    env: 'HEIMDALL_DATABASE_POOL_SIZE',
    parser: integer({ min: 2, max: 100, why: 'a server holds one connection in a transaction while its pollers read on another' }),
    default: 10,
    doc: 'the most connections each server or worker process opens to MySQL or PostgreSQL (its own pool; SQLite has one): `serve --workers N` on M instances opens up to N x M times this, which must stay under the database\'s `max_connections` (100 by default on PostgreSQL, 151 on MariaDB). A PostgreSQL connection is a process of its own that costs the server milliseconds of CPU to start',
  }),
  databaseTimeoutMs: setting({
    env: 'HEIMDALL_DATABASE_TIMEOUT',
    parser: duration(DURATION_RANGES.databaseTimeout, { inMs: true }),
    default: 10_000,
    doc: 'how long a serving server waits for one MySQL query; past it the connection is dropped and the request answers 503, so a database that hangs (stopped, network lost) cannot hold requests forever. Migrations have no limit',
  }),
  headersTimeoutSeconds: setting({
    env: 'HEIMDALL_HEADERS_TIMEOUT',
    parser: duration(DURATION_RANGES.headersTimeout),
    default: 10,
    doc: 'how long a client has to send a request\'s headers (slow-header defence); slower, it gets 408 and its connection is closed (a connection that sent nothing is closed unanswered, as nginx does)',
  }),
  requestTimeoutSeconds: setting({
    env: 'HEIMDALL_REQUEST_TIMEOUT',
    parser: duration(DURATION_RANGES.requestTimeout),
    default: 30,
    doc: 'how long a client has to send a whole request (headers and body), not less than the headers timeout; a request that has arrived is not timed',
  }),
  lockoutMaxFailures: setting({
    env: 'HEIMDALL_LOCKOUT_MAX_FAILURES',
    parser: integer({ min: 1 }),
    default: 5,
    doc: 'failed logins of one account within `HEIMDALL_LOCKOUT_WINDOW` after which its logins answer 429',
  }),
  lockoutWindowSeconds: setting({
    env: 'HEIMDALL_LOCKOUT_WINDOW',
    parser: duration(DURATION_RANGES.lockoutWindow),
    default: 15 * 60,
    doc: 'the window of `HEIMDALL_LOCKOUT_MAX_FAILURES`: a locked account\'s logins answer 429 until it passes',
  }),
  rateLimitPerMinute: setting({
    env: 'HEIMDALL_RATE_LIMIT_PER_MINUTE',
    parser: integer({ min: 0 }),
    default: 600,
    doc: 'requests per minute per IP on register, login and refresh each (and the other command endpoints), and on the OpenID Connect provider\'s credential endpoints (`/oidc/token` ..., see [oidc.md](oidc.md#rate-limit)); `0` disables',
  }),
  trustedProxies: setting({
    env: 'HEIMDALL_TRUSTED_PROXIES',
    parser: integer({ min: 0, max: 10 }),
    default: 0,
    doc: 'reverse proxies (load balancers) in front of Heimdall: the client IP for rate limits and the audit is the `X-Forwarded-For` entry that many places from the right. `0`: the socket\'s address, and the header is ignored. Set it only when every request comes through those proxies',
  }),
  introspectionToken: optional({
    env: 'HEIMDALL_INTROSPECTION_TOKEN',
    parser: secret({ strong: true }),
    secret: true,
    defaultDoc: 'unset',
    doc: 'when set, `POST /oauth/introspect` requires `Authorization: Bearer <it>`',
  }),
  publicUrl: setting({
    env: 'HEIMDALL_PUBLIC_URL',
    parser: httpBaseUrl(),
    default: (loaded) => defaultPublicUrlOf(Number(loaded.port)),
    defaultDoc: '`http://localhost:<port>`',
    doc: 'where people reach Heimdall\'s pages (the links in mails point here, made by the server that sends each mail), maybe with a path prefix; an `https` URL also marks the pages\' cookies `Secure`. Unset, it is `http://localhost` on the port served (`HEIMDALL_PORT` or `serve --port`; 8000 for `--port 0`, which cannot be named in advance). Its host name is the WebAuthn relying party id and its origin the one passkey ceremonies must come from: browsers refuse an IP address there, and plain http anywhere but localhost; `serve` and `doctor` warn about both',
  }),
  mfaRequiredRoles: setting({
    env: 'HEIMDALL_MFA_REQUIRED_ROLES',
    parser: list(),
    default: Object.freeze([]),
    defaultDoc: 'none',
    doc: 'roles (e.g. `admin`) whose holders must have a second factor: until they enrol one, their logins answer 403 `mfa_enrollment_required` with a token that only allows enrolment ([mfa.md](mfa.md))',
  }),
  smtpUrl: optional({
    env: 'HEIMDALL_SMTP_URL',
    parser: url({ schemes: ['smtp', 'smtps'], requireHost: true, example: 'smtp://user:pass@host:587 or smtps://user:pass@host:465' }),
    defaultDoc: 'unset',
    doc: '`smtp://` uses STARTTLS when offered; unset: mails stay pending in the outbox (`heimdall mail:show ID` prints their links), and `serve` says so. See [account-recovery.md](account-recovery.md)',
  }),
  mailFrom: setting({
    env: 'HEIMDALL_MAIL_FROM',
    parser: text({ accepts: 'an address, or `Name <address>`', check: (value) => (/^[^\r\n]*@[^\r\n]*$/.test(value) ? undefined : 'be an address such as "Heimdall <auth@example.com>"') }),
    default: 'Heimdall <heimdall@localhost>',
    doc: 'the From of every mail',
  }),
  mailTemplatesDir: optional({
    env: 'HEIMDALL_MAIL_TEMPLATES',
    parser: path({ directory: true }),
    defaultDoc: 'built in',
    doc: 'a folder whose `<kind>.<subject|text|html>.eta` files replace the built-in mail templates (read at start; one that does not compile fails the start)',
  }),
  localesDir: optional({
    env: 'HEIMDALL_LOCALES_DIR',
    parser: path({ directory: true }),
    defaultDoc: 'built in (en, de)',
    doc: 'a folder of `<language>.json` message catalogues (e.g. `fr.json`) for the pages and mails: a new language, or texts that replace a built-in one\'s; a key a catalogue lacks is said in English (docs/pages.md, Translations). Read at start; a file that is not a catalogue fails the start',
  }),
  mailMaxAttempts: setting({
    env: 'HEIMDALL_MAIL_MAX_ATTEMPTS',
    parser: integer({ min: 1, max: 50 }),
    default: 8,
    doc: 'attempts at sending one mail before it is marked failed',
  }),
  mailRetryDelayMs: setting({
    env: 'HEIMDALL_MAIL_RETRY_MS',
    parser: integer({ min: 10, max: 3_600_000, unit: 'milliseconds' }),
    default: 30_000,
    doc: 'the delay before a mail\'s first retry; it doubles with each further attempt (at most an hour)',
  }),
  mailPollMs: setting({
    env: 'HEIMDALL_MAIL_POLL_MS',
    parser: integer({ min: 10, max: 600_000, unit: 'milliseconds' }),
    default: 2_000,
    doc: 'how often `serve` looks for due mails (a mail queued by the same process goes at once)',
  }),
  webhookAllowPrivate: setting({
    env: 'HEIMDALL_WEBHOOK_ALLOW_PRIVATE',
    parser: boolean(),
    default: false,
    doc: '`true`: webhooks may be delivered to loopback, private (RFC 1918, fc00::/7), link-local, CGNAT and cloud metadata addresses. Off, such a destination is refused, checked on the address actually connected to ([events.md](events.md#ssrf))',
  }),
  webhookDeliver: setting({
    env: 'HEIMDALL_WEBHOOK_DELIVER',
    parser: boolean(),
    default: true,
    doc: '`false`: this `serve` queues webhook deliveries with its events but sends none (leave delivery to other instances)',
  }),
  webhookTimeoutMs: setting({
    env: 'HEIMDALL_WEBHOOK_TIMEOUT_MS',
    parser: integer({ min: 100, max: 60_000, unit: 'milliseconds' }),
    default: 10_000,
    doc: 'how long one webhook delivery may take, connection to last byte; a slower endpoint counts as failed and is retried',
  }),
  webhookRetryBaseMs: setting({
    env: 'HEIMDALL_WEBHOOK_RETRY_MS',
    parser: integer({ min: 10, max: 3_600_000, unit: 'milliseconds' }),
    default: 5_000,
    doc: 'the delay before a failed delivery\'s first retry; it doubles with each further attempt (at most an hour), less a random jitter of up to half',
  }),
  webhookRetryForSeconds: setting({
    env: 'HEIMDALL_WEBHOOK_RETRY_FOR',
    parser: integer({ min: 1, max: 7 * 86_400, unit: 'seconds' }),
    default: 86_400,
    doc: 'how long a delivery is retried; then it fails, its endpoint is disabled (event `webhook.disabled`, one error log line) and `webhook:replay` sends it again once the endpoint is fixed',
  }),
  webhookKeepDeliveredSeconds: setting({
    env: 'HEIMDALL_WEBHOOK_KEEP_DELIVERED',
    parser: integer({ min: 3_600, max: 3_650 * 86_400, unit: 'seconds' }),
    default: 30 * 86_400,
    doc: 'how long a delivered webhook (its delivery and attempts, which `webhook:deliveries` lists and `webhook:replay` sends again) is kept; older ones are deleted by the delivering `serve`. Failed and pending deliveries are kept',
  }),
  webhookPollMs: setting({
    env: 'HEIMDALL_WEBHOOK_POLL_MS',
    parser: integer({ min: 10, max: 600_000, unit: 'milliseconds' }),
    default: 1_000,
    doc: 'how often `serve` looks for webhook deliveries that are due',
  }),
  webhookSecretGraceSeconds: setting({
    env: 'HEIMDALL_WEBHOOK_SECRET_GRACE',
    parser: integer({ min: 0, max: 30 * 86_400, unit: 'seconds' }),
    default: 86_400,
    doc: 'after `webhook:rotate-secret`, how long deliveries carry a signature under the old secret too, so receivers can switch over',
  }),
  resetTokenTtlSeconds: setting({
    env: 'HEIMDALL_RESET_TOKEN_TTL',
    // Bounded: a link that lives for days is a standing credential in a mailbox.
    parser: duration(DURATION_RANGES.resetToken),
    default: 30 * 60,
    doc: 'how long a password-reset link works',
  }),
  emailTokenTtlSeconds: setting({
    env: 'HEIMDALL_EMAIL_TOKEN_TTL',
    parser: duration(DURATION_RANGES.emailToken),
    default: 86_400,
    doc: 'how long an email-verification or email-change link works',
  }),
  requireVerifiedEmail: setting({
    env: 'HEIMDALL_REQUIRE_VERIFIED_EMAIL',
    parser: boolean(),
    default: false,
    doc: '`true`: the login of an account whose address is not verified answers 403',
  }),
  registrationPage: setting({
    env: 'HEIMDALL_REGISTRATION_PAGE',
    parser: boolean(),
    default: true,
    doc: '`false`: no registration page at `/account/register` and no "Create an account" link on the sign-in page (OIDC `prompt=create` then shows the sign-in page); `POST /auth/register` is not affected. See [pages.md](pages.md)',
  }),
  productName: setting({
    env: 'HEIMDALL_PRODUCT_NAME',
    parser: text({ accepts: 'a name of 1 to 60 characters', check: (value) => (value.length > 60 ? 'be at most 60 characters' : undefined) }),
    default: 'Heimdall',
    doc: 'the name people see on every page (its top line and window title) and in every mail. See [Branding](pages.md#branding)',
  }),
  brandLogoFile: optional({
    env: 'HEIMDALL_BRAND_LOGO_FILE',
    parser: brandFile(['.svg', '.png', '.jpg', '.jpeg', '.webp']),
    defaultDoc: 'none: the name alone',
    doc: 'a logo (SVG, PNG, JPEG or WebP) shown beside the name on every page, served by Heimdall itself at `/assets/brand/logo` (no page loads anything from another host); read at start-up',
  }),
  brandFaviconFile: optional({
    env: 'HEIMDALL_BRAND_FAVICON_FILE',
    parser: brandFile(['.svg', '.png', '.ico']),
    defaultDoc: "Heimdall's mark",
    doc: 'the pages\' favicon (SVG, PNG or ICO), served at `/assets/brand/favicon` and `/favicon.ico`',
  }),
  brandPrimaryColour: optional({
    env: 'HEIMDALL_BRAND_PRIMARY_COLOR',
    parser: colour(LIGHT_PAGE, 'white pages'),
    defaultDoc: '`#3157d5`',
    doc: 'primary buttons and links in light mode (`#rrggbb`); refused under 4.5:1 against white (WCAG AA); the text on buttons is white or black, whichever contrasts more. Mails use it too',
  }),
  brandPrimaryColourDark: optional({
    env: 'HEIMDALL_BRAND_PRIMARY_COLOR_DARK',
    parser: colour(DARK_PAGE, 'dark pages'),
    defaultDoc: '`#9db4ff`',
    doc: 'the same in dark mode (`#rrggbb`); refused under 4.5:1 against the dark background (#121212)',
  }),
  supportUrl: optional({
    env: 'HEIMDALL_SUPPORT_URL',
    parser: url({ schemes: ['https', 'http'], requireHost: true, example: 'https://help.example.com' }),
    defaultDoc: 'no link',
    doc: 'a "Help" link at the foot of every page and in every mail, for people who are stuck',
  }),
  brandCssFile: optional({
    env: 'HEIMDALL_BRAND_CSS_FILE',
    parser: brandFile(['.css']),
    defaultDoc: 'none',
    doc: 'a stylesheet loaded after Heimdall\'s own on every page, served at `/assets/brand.css` (the pages\' CSP allows styles from Heimdall only); read at start-up',
  }),
  oidcEnabled: setting({
    env: 'HEIMDALL_OIDC_ENABLED',
    parser: boolean(),
    default: false,
    doc: 'serve OpenID Connect / OAuth 2 under `${HEIMDALL_PUBLIC_URL}/oidc` (the issuer); with HS256 access tokens an RS256 key is still created to sign ID tokens. See [oidc.md](oidc.md)',
  }),
} as const

export type Settings = typeof SETTINGS
export type SettingName = keyof Settings
type ValueOf<S> = S extends Setting<infer T> ? T : never

/** One value per row, typed by its parser (undefined where the row may stay unset). */
export type SettingValues = { readonly [K in SettingName]: ValueOf<Settings[K]> }

/** The one typed, frozen configuration: every setting, and what follows from them. */
export interface Config extends SettingValues {
  /** From HEIMDALL_DATABASE_URL's scheme. */
  readonly databaseType: DatabaseType
}

/** A rule across settings, checked once every row is loaded: `check` returns the refusal, or undefined. */
export interface CrossRule {
  /** For the docs, under the table (markdown). */
  readonly doc: string
  readonly check: (config: Config) => string | undefined
}

export const CROSS_RULES: readonly CrossRule[] = [
  {
    doc: '`HEIMDALL_HEADERS_TIMEOUT` must not exceed `HEIMDALL_REQUEST_TIMEOUT`: the headers are part of the request',
    check: ({ headersTimeoutSeconds: headers, requestTimeoutSeconds: request }) =>
      headers > request ? `HEIMDALL_HEADERS_TIMEOUT (${headers} s) must not exceed HEIMDALL_REQUEST_TIMEOUT (${request} s): the headers are part of the request` : undefined,
  },
  {
    doc: '`HEIMDALL_DATABASE_READ_URL` must name the same kind of database as `HEIMDALL_DATABASE_URL`',
    check: ({ databaseReadUrl, databaseType }) =>
      databaseReadUrl !== undefined && databaseTypeOf(databaseReadUrl) !== databaseType ? 'HEIMDALL_DATABASE_READ_URL must be the same kind of database as HEIMDALL_DATABASE_URL' : undefined,
  },
  {
    // The issuer tells Heimdall's own tokens from the provider's access tokens for Heimdall (RFC 9068).
    doc: 'with `HEIMDALL_OIDC_ENABLED`, `HEIMDALL_JWT_ISSUER` must differ from the OpenID issuer (`${HEIMDALL_PUBLIC_URL}/oidc`)',
    check: ({ oidcEnabled, jwtIssuer, publicUrl }) =>
      oidcEnabled && jwtIssuer === oidcIssuerOf({ publicUrl }) ? `HEIMDALL_JWT_ISSUER must differ from the OpenID issuer ${jwtIssuer}` : undefined,
  },
]

/**
 * HEIMDALL_* variables the code reads that are no setting, and why. A name read anywhere under src/
 * is either a row of SETTINGS or here (test/unit/settings-table.test.ts checks).
 */
export const NOT_SETTINGS: Readonly<Record<string, string>> = {
  HEIMDALL_SCHEMA_READY:
    'set by `serve --workers N` in the environment of the workers it forks (whether the primary found the schema up to date): a message between processes, never set by an operator',
}
