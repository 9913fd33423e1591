import type { Context } from '../../context.js'
import { CONFIG_DEFAULTS, defaultPublicUrlOf, redactUrl, type Config } from '../../config.js'
import { dataKeyFileOf, describeDataKeys } from '../../infra/data-keys/key-source.js'
import { describeJwtSecret } from '../../infra/tokens/secret-file.js'

/**
 * The configuration in force, as an operator reads it: every value, no secret (the database URL's
 * password redacted, the JWT secret described by where it comes from). Keys as in Config.
 */
export type EffectiveConfig = { readonly [K in keyof Config]?: string | number }

export function getEffectiveConfig(ctx: Context): EffectiveConfig {
  const config = ctx.config
  return {
    databaseUrl: redactUrl(config.databaseUrl),
    databaseType: config.databaseType,
    jwtSecret: describeSecret(ctx),
    dataKeys: describeKeys(ctx),
    dataKeyFile: ctx.config.dataKeys === undefined ? dataKeyFileOf(ctx.config) : '(not used: HEIMDALL_DATA_KEYS is set)',
    jwtIssuer: config.jwtIssuer,
    jwtAlg: config.jwtAlg,
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
    bcryptCost: config.bcryptCost,
    host: config.host,
    port: config.port,
    workers: config.workers,
    environment: config.environment,
    logLevel: config.logLevel,
    sessionCacheTtlSeconds: config.sessionCacheTtlSeconds,
    revocationPollMs: config.revocationPollMs,
    databaseTimeoutMs: config.databaseTimeoutMs,
    headersTimeoutSeconds: config.headersTimeoutSeconds,
    requestTimeoutSeconds: config.requestTimeoutSeconds,
    lockoutMaxFailures: config.lockoutMaxFailures,
    lockoutWindowSeconds: config.lockoutWindowSeconds,
    rateLimitPerMinute: config.rateLimitPerMinute,
    trustedProxies: config.trustedProxies,
    publicUrl: config.publicUrl,
    mfaRequiredRoles: config.mfaRequiredRoles.join(','),
    smtpUrl: config.smtpUrl === undefined ? '(not set: mails stay pending in the outbox)' : redactUrl(config.smtpUrl),
    mailFrom: config.mailFrom,
    mailTemplatesDir: config.mailTemplatesDir ?? '(built in)',
    mailMaxAttempts: config.mailMaxAttempts,
    mailRetryDelayMs: config.mailRetryDelayMs,
    mailPollMs: config.mailPollMs,
    resetTokenTtlSeconds: config.resetTokenTtlSeconds,
    emailTokenTtlSeconds: config.emailTokenTtlSeconds,
    requireVerifiedEmail: String(config.requireVerifiedEmail),
    oidcEnabled: config.oidcEnabled ? 'true' : 'false',
  }
}

/** The settings left at their default (CONFIG_DEFAULTS): what the operator has not set. */
export function getDefaultedSettings(ctx: Context): ReadonlySet<keyof Config> {
  // The public URL's default follows the port.
  const defaults: Partial<Record<keyof Config, unknown>> = { ...CONFIG_DEFAULTS, publicUrl: defaultPublicUrlOf(ctx.config.port) }
  return new Set((Object.keys(defaults) as Array<keyof Config>).filter((name) => ctx.config[name] === defaults[name]))
}

function describeSecret(ctx: Context): string {
  const secret = describeJwtSecret(ctx.config)
  switch (secret.kind) {
    case 'configured':
      return `(set, ${secret.bytes} bytes, from ${secret.source})`
    case 'generated':
      return `(generated, stored in ${secret.path}, ${secret.bytes} bytes)`
    case 'not_generated_yet':
      return `(not set: one will be generated and stored in ${secret.path} on first use)`
    case 'missing':
      return '(not set: HEIMDALL_JWT_SECRET is required with MySQL)'
  }
}

/** The data keys by source and ids (the first seals), never their material. */
function describeKeys(ctx: Context): string {
  const keys = describeDataKeys(ctx.config)
  switch (keys.kind) {
    case 'configured':
      return `(set, ${keys.ids.length} key(s) from HEIMDALL_DATA_KEYS: ${keys.ids.join(', ')})`
    case 'file':
      return `(${keys.ids.length} key(s) from ${keys.path}: ${keys.ids.join(', ')})`
    case 'not_generated_yet':
      return `(not set: one will be generated and stored in ${keys.path} on first use)`
    case 'missing':
      return '(not set: HEIMDALL_DATA_KEY_FILE or HEIMDALL_DATA_KEYS is required with MySQL)'
    case 'invalid':
      return `(invalid: ${keys.source} ${keys.problem})`
  }
}
