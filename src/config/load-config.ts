import { configError } from './config-error.js'
import { CROSS_RULES, SETTINGS, type Config, type Loaded, type Setting, type SettingName } from './settings.js'
import { databaseTypeOf } from './urls.js'

/** The settings a CLI flag sets (--database-url, serve's --host, --port ...); a flag wins over the variable. */
export type ConfigOverrides = Partial<Pick<Config, 'databaseUrl' | 'host' | 'port' | 'jwtSecret' | 'workers'>>

/**
 * Builds the one typed, frozen configuration from `env` (HEIMDALL_* variables, see SETTINGS) and the
 * CLI flags' `overrides`: each row in table order, a blank or unset variable taking the row's default,
 * then the rules across settings. Throws config.invalid (exit 78) naming the variable (or the flag)
 * and the bound at the first value that breaks one: anything invalid fails here, at start-up.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): Config {
  const loaded: Record<string, unknown> = {}
  for (const [name, row] of settingRows()) {
    const override: unknown = overrides[name as keyof ConfigOverrides]
    // A flag's value goes through the same parser as the variable's: one set of bounds and messages,
    // which name the flag when the value came from it.
    const [raw, source] = override !== undefined ? [String(override), row.flag ?? row.env] : [env[row.env], row.env]
    loaded[name] = raw === undefined || raw.trim() === '' ? defaultOf(row, loaded) : row.parser.parse(raw, source)
  }
  const config = Object.freeze({ ...loaded, databaseType: databaseTypeOf(loaded.databaseUrl as string) }) as Config
  for (const rule of CROSS_RULES) {
    const problem = rule.check(config)
    if (problem !== undefined) throw configError(problem)
  }
  return config
}

/** The rows of SETTINGS in table order, with their names (the Config's field names). */
export function settingRows(): Array<[SettingName, Setting<unknown>]> {
  return Object.entries(SETTINGS) as Array<[SettingName, Setting<unknown>]>
}

/** The value a row takes when its variable is unset, given the values loaded before it (or the whole Config). */
export function defaultOf(row: Setting<unknown>, loaded: object): unknown {
  return typeof row.default === 'function' ? (row.default as (loaded: Loaded) => unknown)(loaded as Loaded) : row.default
}

/**
 * The configuration with nothing set: every row's default (the public URL on the default port). The
 * CLI's flag help quotes it.
 */
export const CONFIG_DEFAULTS: Config = loadConfig({})
