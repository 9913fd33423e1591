import type { ErrorCode } from '../errors.js'

/** The CLI's one mapping from error codes to exit codes (sysexits.h where one fits; 1 for a refusal). */
const EXIT_CODES: Partial<Record<ErrorCode, number>> = {
  // 2 for bad usage, as shells and getopt-style tools have it (sysexits.h has none of its own).
  'cli.usage': 2,
  'validation.failed': 65,
  'db.unavailable': 69,
  'db.not_migrated': 69,
  'db.busy': 75,
  'password.hashing_busy': 75,
  internal: 70,
  'config.invalid': 78,
  'mail.not_configured': 78,
  'mail.send_failed': 69,
}

export function exitCodeFor(code: ErrorCode): number {
  return EXIT_CODES[code] ?? 1
}
