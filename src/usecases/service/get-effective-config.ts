import type { Context } from '../../context.js'
import { redactUrl, type Config } from '../../config.js'
import { defaultOf, settingRows } from '../../config/load-config.js'
import type { Setting } from '../../config/settings.js'
import { dataKeyFileOf, describeDataKeys } from '../../infra/data-keys/key-source.js'
import { describeJwtSecret } from '../../infra/tokens/secret-file.js'

/**
 * The configuration in force, as an operator reads it: every row of the settings table (and the
 * database type that follows from the URL), no secret (URLs' passwords redacted, secrets shown as
 * "(set)" / "(not set)", the JWT secret and data keys by where they come from). Keys as in Config.
 */
export type EffectiveConfig = { readonly [K in keyof Config]?: string | number }

/** Where saying "set" or the bare value would tell less than the state the server is in. */
const DESCRIBED: { readonly [K in keyof Config]?: (ctx: Context) => string | undefined } = {
  jwtSecret: describeSecret,
  dataKeys: describeKeys,
  dataKeyFile: (ctx) => (ctx.config.dataKeys === undefined ? dataKeyFileOf(ctx.config) : '(not used: HEIMDALL_DATA_KEYS is set)'),
  smtpUrl: (ctx) => (ctx.config.smtpUrl === undefined ? '(not set: mails stay pending in the outbox)' : undefined),
  mailTemplatesDir: (ctx) => (ctx.config.mailTemplatesDir === undefined ? '(built in)' : undefined),
}

/** Every setting in force, in table order, as `config:show` prints it (see EffectiveConfig). */
export function getEffectiveConfig(ctx: Context): EffectiveConfig {
  const shown: Record<string, string | number> = {}
  for (const [name, row] of settingRows()) {
    shown[name] = DESCRIBED[name]?.(ctx) ?? showValue(row, ctx.config[name])
    // Printed beside the URL it comes from.
    if (name === 'databaseUrl') shown.databaseType = ctx.config.databaseType
  }
  return shown
}

/** The settings left at their default (the rows that have one): what the operator has not set. */
export function getDefaultedSettings(ctx: Context): ReadonlySet<keyof Config> {
  const defaulted = settingRows().filter(([name, row]) => {
    const fallback = defaultOf(row, ctx.config)
    return fallback !== undefined && row.parser.show(fallback) === row.parser.show(ctx.config[name])
  })
  return new Set(defaulted.map(([name]) => name))
}

function showValue(row: Setting<unknown>, value: unknown): string | number {
  if (value === undefined) return '(not set)'
  return row.secret ? '(set)' : row.parser.show(value)
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
      return '(not set: HEIMDALL_JWT_SECRET is required with MySQL and PostgreSQL)'
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
      return '(not set: HEIMDALL_DATA_KEY_FILE or HEIMDALL_DATA_KEYS is required with MySQL and PostgreSQL)'
    case 'invalid':
      return `(invalid: ${keys.source} ${keys.problem})`
  }
}
