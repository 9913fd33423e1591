import type { FieldError } from '../errors.js'

export const MIN_PASSWORD_LENGTH = 8
/** bcrypt ignores everything after 72 bytes: refuse rather than truncate silently. */
export const MAX_PASSWORD_BYTES = 72

export function passwordProblems(password: string): string[] {
  const problems: string[] = []
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    problems.push(`Password must be at least ${MIN_PASSWORD_LENGTH} characters long`)
  }
  if (Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES) {
    problems.push(`Password must be at most ${MAX_PASSWORD_BYTES} bytes in UTF-8 (bcrypt's limit)`)
  }
  return problems
}

export function passwordFieldErrors(password: string): FieldError[] {
  return passwordProblems(password).map((msg) => ({ loc: ['body', 'password'], msg, type: 'value_error.password' }))
}
