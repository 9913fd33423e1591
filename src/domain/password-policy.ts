import type { FieldError } from '../errors.js'
import { COMMON_PASSWORDS } from './common-passwords.js'

export const MIN_PASSWORD_LENGTH = 8
/** bcrypt ignores everything after 72 bytes: refuse rather than truncate silently. */
export const MAX_PASSWORD_BYTES = 72

/** Every rule a new password breaks, in words a user can act on (OWASP ASVS V6 / password storage). */
export function passwordProblems(password: string): string[] {
  const problems: string[] = []
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    problems.push(`Password must be at least ${MIN_PASSWORD_LENGTH} characters long`)
  }
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    problems.push(`Password must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8 (bcrypt's limit); it is not truncated`)
  }
  if (!/\p{Lu}/u.test(password)) problems.push('Password must contain an upper-case letter')
  if (!/\p{Ll}/u.test(password)) problems.push('Password must contain a lower-case letter')
  if (!/\p{Nd}/u.test(password)) problems.push('Password must contain a digit')
  if (COMMON_PASSWORDS.has(password.toLowerCase())) problems.push('Password is one of the most common passwords; choose another')
  return problems
}

export function passwordFieldErrors(password: string): FieldError[] {
  return passwordProblems(password).map((msg) => ({ loc: ['password'], msg, type: 'value_error.password' }))
}
