import pino, { type DestinationStream, type Logger } from 'pino'

export type { Logger }

/** Fields that hold secrets wherever they appear in a log object. */
const SECRET_FIELDS = ['password', 'token', 'access_token', 'refresh_token', 'refreshToken', 'accessToken', 'password_hash', 'passwordHash', 'secret', 'authorization', 'cookie']

const SECRET_PATTERNS: RegExp[] = [
  /eyJ[\w-]*\.[\w-]*\.[\w-]*/g, // a JWT
  /hrt_[\w-]+/g, // a refresh token
  /\$2[aby]\$\d\d\$[./\w]{53}/g, // a bcrypt hash
  /(bearer\s+)\S+/gi,
]

/** Removes anything that looks like a token, refresh token or password hash from a string. */
export function scrubSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((scrubbed, pattern) => scrubbed.replace(pattern, (_, prefix) => `${typeof prefix === 'string' ? prefix : ''}[REDACTED]`), text)
}

/**
 * JSON lines (pino). Secrets are removed twice: by field name anywhere in the object, and by shape
 * in every string, so that a token inside an error message is caught too.
 */
export function createLogger(options: { level: string; destination?: DestinationStream }): Logger {
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
        err: (error: Error) => ({ type: error.name, message: scrubSecrets(error.message), stack: scrubSecrets(error.stack ?? '') }),
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  )
}
