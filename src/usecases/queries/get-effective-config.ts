import type { Context } from '../../context.js'
import { redactUrl } from '../../config.js'
import { describeJwtSecret } from '../../infra/tokens/secret-file.js'

/** The configuration in force, as an operator reads it: every value, no secret. */
export type EffectiveConfig = Record<string, string | number>

export function getEffectiveConfig(ctx: Context): EffectiveConfig {
  const config = ctx.config
  return {
    database_url: redactUrl(config.databaseUrl),
    database_type: config.databaseType,
    jwt_secret: describeSecret(ctx),
    jwt_issuer: config.jwtIssuer,
    jwt_alg: config.jwtAlg,
    access_token_ttl_seconds: config.accessTokenTtlSeconds,
    refresh_token_ttl_seconds: config.refreshTokenTtlSeconds,
    bcrypt_cost: config.bcryptCost,
    host: config.host,
    port: config.port,
    workers: config.workers,
    environment: config.environment,
    log_level: config.logLevel,
    session_cache_ttl_seconds: config.sessionCacheTtlSeconds,
    revocation_poll_ms: config.revocationPollMs,
    lockout_max_failures: config.lockoutMaxFailures,
    lockout_window_seconds: config.lockoutWindowSeconds,
    rate_limit_per_minute: config.rateLimitPerMinute,
    trusted_proxies: config.trustedProxies,
  }
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
