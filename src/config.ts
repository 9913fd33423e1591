/**
 * The configuration's public face, as the rest of the code imports it. Every setting is one row of
 * src/config/settings.ts; loading is src/config/load-config.ts.
 */
import { CONFIG_DEFAULTS } from './config/load-config.js'

export { CONFIG_DEFAULTS, loadConfig, type ConfigOverrides } from './config/load-config.js'
export { MIN_BCRYPT_COST, type Config, type LogFormat } from './config/settings.js'
export { MIN_SECRET_BYTES, assertStrongSecret } from './config/parsers.js'
export { OIDC_PATH, databaseTypeOf, defaultPublicUrlOf, heimdallResourceOf, oidcIssuerOf, redactUrl, type DatabaseType } from './config/urls.js'

export const DEFAULT_DATABASE_URL = CONFIG_DEFAULTS.databaseUrl
export const DEFAULT_MAIL_FROM = CONFIG_DEFAULTS.mailFrom
export const DEFAULT_PUBLIC_URL = CONFIG_DEFAULTS.publicUrl
