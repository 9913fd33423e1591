import { createRequire } from 'node:module'
import pino, { type DestinationStream, type Logger } from 'pino'
import type * as PinoPretty from 'pino-pretty'
import type { LogFormat } from '../config.js'
import { driverErrorSummary } from './db/driver-error.js'

export type { Logger }

/** Where log lines go, and whether a person is reading them there. */
export type LogDestination = DestinationStream & { isTTY?: boolean }

/** Fields that hold secrets wherever they appear in a log object. */
const SECRET_FIELDS = ['password', 'token', 'access_token', 'refresh_token', 'refreshToken', 'accessToken', 'password_hash', 'passwordHash', 'secret', 'authorization', 'cookie']

const SECRET_PATTERNS: RegExp[] = [
  /eyJ[\w-]*\.[\w-]*\.[\w-]*/g, // a JWT
  /hrt_[\w-]+/g, // a refresh token
  /\$2[aby]\$\d\d\$[./\w]{53}/g, // a bcrypt hash
  /\$argon2(?:id|i|d)\$[^\s"']+/g, // an argon2 hash
  /(bearer\s+)\S+/gi,
]

/** Removes anything that looks like a token, refresh token or password hash from a string. */
export function scrubSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((scrubbed, pattern) => scrubbed.replace(pattern, (_, prefix) => `${typeof prefix === 'string' ? prefix : ''}[REDACTED]`), text)
}

/** auto: pretty when the lines go to an interactive terminal, JSON (for collectors) otherwise. */
export function isPretty(format: LogFormat, destination: { isTTY?: boolean }): boolean {
  return format === 'pretty' || (format === 'auto' && destination.isTTY === true)
}

/**
 * JSON lines (pino), or pino-pretty lines on a terminal. Secrets are removed twice: by field name
 * anywhere in the object, and by shape in every string, so that a token inside an error message is
 * caught too; both happen before formatting, so pretty lines are redacted the same way.
 */
export function createLogger(options: { level: string; format?: LogFormat; destination?: LogDestination }): Logger {
  const pretty = isPretty(options.format ?? 'auto', options.destination ?? process.stdout)
  return pino(
    {
      level: options.level,
      base: { pid: process.pid },
      redact: { paths: [...SECRET_FIELDS, ...SECRET_FIELDS.map((field) => `*.${field}`), 'req.headers.authorization'], censor: '[REDACTED]' },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => (typeof arg === 'string' ? scrubSecrets(arg) : arg)) as Parameters<typeof method>)
        },
      },
      serializers: {
        err: (error: Error) => {
          // A driver error's message (and so its stack's first line) carries the SQL with its values.
          const summary = driverErrorSummary(error)
          const stack = summary === undefined ? (error.stack ?? '') : (error.stack ?? '').replace(error.message, summary)
          return { type: error.name, message: scrubSecrets(summary ?? error.message), stack: scrubSecrets(stack) }
        },
      },
    },
    pretty ? prettyStream(options.destination ?? pino.destination({ dest: 1, sync: true })) : (options.destination ?? pino.destination({ dest: 1, sync: false })),
  )
}

/**
 * pino-pretty as a plain synchronous stream in this thread (not a worker transport): each JSON line
 * pino writes is formatted and passed on at once. Loaded only when wanted (it takes ~100 ms).
 */
function prettyStream(destination: DestinationStream): DestinationStream {
  const { prettyFactory } = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty
  const format = prettyFactory({ translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' })
  return {
    write(line: string) {
      destination.write(format(line))
    },
  }
}
