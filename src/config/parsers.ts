import { statSync } from 'node:fs'
import { formatDuration, parseDuration, type DurationRange } from '../domain/durations.js'
import { configError } from './config-error.js'
import { databaseTypeOf, redactUrl } from './urls.js'

/**
 * How one setting's text becomes its value. The loader hands over only text that is not blank (blank
 * means unset: the default). Every refusal is config.invalid naming the variable and the bound.
 */
export interface Parser<T> {
  /** The value of `raw` (not blank); throws config.invalid `${name} must ...` when it breaks a bound. */
  parse(raw: string, name: string): T
  /** What the variable accepts, as the docs' table says it (markdown). */
  readonly accepts: string
  /** A value as `config:show` prints it: numbers stay numbers, URLs lose their password. */
  show(value: T): string | number
  /** A value as the docs' table prints it (a default): `15m`, `8000`. */
  describe(value: T): string
}

/** A parser from its parts: shown as itself (numbers as numbers) and described as text unless it says otherwise. */
function parser<T>(parts: Pick<Parser<T>, 'parse' | 'accepts'> & Partial<Pick<Parser<T>, 'show' | 'describe'>>): Parser<T> {
  return { show: (value) => (typeof value === 'number' ? value : String(value)), describe: String, ...parts }
}

export const MIN_SECRET_BYTES = 32

/** Throws config.invalid unless `secret` has at least MIN_SECRET_BYTES bytes (UTF-8); `source` names where it came from. */
export function assertStrongSecret(secret: string, source: string): void {
  const bytes = Buffer.byteLength(secret, 'utf8')
  if (bytes < MIN_SECRET_BYTES) {
    throw configError(`${source} is too short: ${bytes} bytes, at least ${MIN_SECRET_BYTES} are required`)
  }
}

/**
 * A whole number within [min, max] (max: none when omitted), in `unit` when it has one (e.g.
 * milliseconds); `why` says why the maximum is what it is, in the refusal.
 */
export function integer(bounds: { min: number; max?: number; unit?: string; why?: string }): Parser<number> {
  const { min, max, unit, why } = bounds
  const inUnit = unit ? ` ${unit}` : ''
  return parser({
    parse(raw, name) {
      if (!/^\d+$/.test(raw.trim())) throw configError(`${name} must be a whole number${unit ? ` of ${unit}` : ''} (got "${raw}")`)
      const value = Number(raw.trim())
      if (max === undefined && value < min) throw configError(`${name} must be at least ${min} (got ${value})`)
      if (max !== undefined && (value < min || value > max)) {
        throw configError(`${name} must be between ${min} and ${max}${inUnit}${why ? `, ${why}` : ''} (got ${value})`)
      }
      return value
    },
    accepts: max === undefined ? `\`${min}\` or more${inUnit}` : `\`${min}\` to \`${max}\`${inUnit}`,
  })
}

/**
 * A duration as people write them (`900`, `900s`, `15m`, `1h`, `30d`) within `range` (seconds), as
 * seconds, or as milliseconds with `inMs` (for the settings the code keeps in ms).
 */
export function duration(range: DurationRange, options: { inMs?: boolean } = {}): Parser<number> {
  const scale = options.inMs ? 1000 : 1
  return parser({
    parse(raw, name) {
      const parsed = parseDuration(raw, range)
      if (parsed.problem !== undefined) throw configError(`${name} ${parsed.problem}`)
      return parsed.seconds * scale
    },
    accepts: `\`${formatDuration(range.min)}\` to \`${formatDuration(range.max)}\``,
    describe: (value) => formatDuration(value / scale),
  })
}

const TRUE = ['true', '1', 'yes', 'on']
const FALSE = ['false', '0', 'no', 'off']

/** true / false, also spelled 1/0, yes/no, on/off, in any case. */
export function boolean(): Parser<boolean> {
  return parser({
    parse(raw, name) {
      const value = raw.trim().toLowerCase()
      if (TRUE.includes(value)) return true
      if (FALSE.includes(value)) return false
      throw configError(`${name} must be true or false (got "${raw}")`)
    },
    accepts: '`true` or `false`',
  })
}

/** One of `values`; with `ignoreCase`, any capitalisation, normalised to the spelling in `values`. */
export function oneOf<T extends string>(values: readonly T[], options: { ignoreCase?: boolean } = {}): Parser<T> {
  const fold = (value: string) => (options.ignoreCase ? value.toLowerCase() : value)
  return parser({
    parse(raw, name) {
      const value = raw.trim()
      const found = values.find((candidate) => fold(candidate) === fold(value))
      if (found === undefined) throw configError(`${name} must be one of ${values.join(', ')} (got "${value}")`)
      return found
    },
    accepts: values.map((value) => `\`${value}\``).join(', '),
  })
}

/**
 * Free text, trimmed; `check` returns what is wrong with a value (a phrase after "must"), or
 * undefined when it is fine; `accepts` says it for the docs.
 */
export function text(options: { accepts: string; check?: (value: string) => string | undefined }): Parser<string> {
  return parser({
    parse(raw, name) {
      const value = raw.trim()
      const problem = options.check?.(value)
      if (problem !== undefined) throw configError(`${name} must ${problem} (got "${value}")`)
      return value
    },
    accepts: options.accepts,
  })
}

/** A file path, trimmed; with `directory`, one that is a folder now. */
export function path(options: { directory?: boolean } = {}): Parser<string> {
  return text({
    accepts: options.directory ? 'a folder' : 'a file path',
    check: (value) => (options.directory && !isDirectory(value) ? 'be a folder' : undefined),
  })
}

/** How a URL is shown and documented: its password never leaves the process. */
const WITHOUT_PASSWORD = { show: redactUrl, describe: redactUrl }

/**
 * A URL of one of `schemes` (`redis` for redis://...), trimmed; with `requireHost`, something must
 * follow the `//`. `example` replaces the list of schemes in the refusal. Shown without its password.
 */
export function url(options: { schemes: readonly string[]; requireHost?: boolean; example?: string }): Parser<string> {
  const prefixes = options.schemes.map((scheme) => `${scheme}://`)
  return parser({
    parse(raw, name) {
      const value = raw.trim()
      const prefix = prefixes.find((candidate) => value.startsWith(candidate))
      if (prefix === undefined || (options.requireHost && /^($|\/)/.test(value.slice(prefix.length)))) {
        const wanted = options.example ? `look like ${options.example}` : `start with ${prefixes.join(' or ')}`
        throw configError(`${name} must ${wanted} (got "${redactUrl(value)}")`)
      }
      return value
    },
    accepts: prefixes.map((prefix) => `\`${prefix}...\``).join(' or '),
    ...WITHOUT_PASSWORD,
  })
}

/** `sqlite:PATH`, `mysql://user:pass@host:3306/db` (or `mariadb://...`) or `postgres://user:pass@host:5432/db`; shown without its password. */
export function databaseUrl(): Parser<string> {
  return parser({
    parse(raw, name) {
      const value = raw.trim()
      databaseTypeOf(value, name)
      return value
    },
    accepts: '`sqlite:PATH`, `mysql://user:pass@host:3306/db` (or `mariadb://...`) or `postgres://user:pass@host:5432/db` (or `postgresql://`)',
    ...WITHOUT_PASSWORD,
  })
}

/**
 * An absolute http(s) URL, maybe with a path prefix; no query, fragment or credentials, since links
 * append to it. The trailing slash is dropped.
 */
export function httpBaseUrl(): Parser<string> {
  return parser({
    parse(raw, name) {
      const value = raw.trim()
      let parsed: URL
      try {
        parsed = new URL(value)
      } catch {
        throw configError(`${name} must be an absolute URL such as https://auth.example.com (got "${value}")`)
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw configError(`${name} must start with http:// or https:// (got "${value}")`)
      if (parsed.search !== '' || parsed.hash !== '' || parsed.username !== '' || parsed.password !== '') {
        throw configError(`${name} must have no query, fragment or credentials (got "${value}")`)
      }
      return parsed.toString().replace(/\/+$/, '')
    },
    accepts: 'an absolute `http://` or `https://` URL, no query, fragment or credentials',
  })
}

/** Comma-separated words, each trimmed, blanks dropped; frozen. */
export function list(): Parser<readonly string[]> {
  return parser({
    parse: (raw) =>
      Object.freeze(
        raw
          .split(',')
          .map((word) => word.trim())
          .filter((word) => word !== ''),
      ),
    accepts: 'comma-separated',
    show: (value) => value.join(','),
    describe: (value) => (value.length === 0 ? 'none' : value.join(',')),
  })
}

/**
 * A secret, taken as written (spaces included): with `strong`, at least MIN_SECRET_BYTES bytes;
 * `check` asserts the rest (it throws config.invalid naming the variable, never the secret).
 */
export function secret(options: { strong: true } | { accepts: string; check: (value: string, name: string) => void }): Parser<string> {
  return parser({
    parse(raw, name) {
      if ('strong' in options) assertStrongSecret(raw, name)
      else options.check(raw, name)
      return raw
    },
    accepts: 'strong' in options ? `at least ${MIN_SECRET_BYTES} bytes` : options.accepts,
    show: () => '(set)',
    describe: () => '(set)',
  })
}

function isDirectory(folder: string): boolean {
  try {
    return statSync(folder).isDirectory()
  } catch {
    return false
  }
}
