import type { FieldError } from '../errors.js'
import { COMMON_PASSWORDS } from './common-passwords.js'

export const MIN_PASSWORD_LENGTH = 8
/** bcrypt ignores everything after 72 bytes: refuse rather than truncate silently. */
export const MAX_PASSWORD_BYTES = 72

/**
 * The form of a password that is hashed and compared: Unicode NFKC (NIST SP 800-63B 5.1.1.2), so
 * that "ä" typed precomposed or as "a" + combining diaeresis, on any keyboard or OS, is one password.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC')
}

/** UTF-8 bytes of the normalised password: what bcrypt sees, and what the 72-byte limit counts. */
export function normalizedPasswordBytes(password: string): number {
  return Buffer.byteLength(normalizePassword(password), 'utf8')
}

/** Every rule a new password breaks, in words a user can act on (OWASP ASVS V6 / password storage); judged on the normalised form. */
export function passwordProblems(password: string): string[] {
  const normalized = normalizePassword(password)
  const problems: string[] = []
  if ([...normalized].length < MIN_PASSWORD_LENGTH) {
    problems.push(`Password must be at least ${MIN_PASSWORD_LENGTH} characters long`)
  }
  if (Buffer.byteLength(normalized, 'utf8') > MAX_PASSWORD_BYTES) {
    problems.push(`Password must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8 after Unicode NFKC normalisation (bcrypt's limit); it is not truncated`)
  }
  if (!/\p{Lu}/u.test(normalized)) problems.push('Password must contain an upper-case letter')
  if (!/\p{Ll}/u.test(normalized)) problems.push('Password must contain a lower-case letter')
  if (!/\p{Nd}/u.test(normalized)) problems.push('Password must contain a digit')
  if (COMMON_PASSWORDS.has(normalized.toLowerCase())) problems.push('Password is one of the most common passwords; choose another')
  return problems
}

export function passwordFieldErrors(password: string): FieldError[] {
  return passwordProblems(password).map((msg) => ({ loc: ['password'], msg, type: 'value_error.password' }))
}

/**
 * What a login refuses before any check (422, not a failed attempt): a password shorter than any
 * password could ever have been set (8 characters, as the service Heimdall replaced required). A
 * password counts as long enough when either its typed or its normalised form is, so that nobody
 * whose password was set before normalisation is shut out.
 */
export function loginPasswordFieldErrors(password: string): FieldError[] {
  const length = Math.max([...password].length, [...normalizePassword(password)].length)
  if (length >= MIN_PASSWORD_LENGTH) return []
  return [{ loc: ['password'], msg: `Password must be at least ${MIN_PASSWORD_LENGTH} characters long`, type: 'value_error.password' }]
}
