import type { FieldError } from '../errors.js'

export const MAX_EMAIL_LENGTH = 254
const MAX_LOCAL_PART_LENGTH = 64

const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/
const DOMAIN_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/
const TOP_LEVEL_DOMAIN = /^[a-z]{2,63}$/

/** Emails are compared trimmed and lower-cased, so a case variant is the same account. */
export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase()
}

/** Returns why a normalised email is not acceptable, or undefined when it is. */
export function emailProblem(email: string): string | undefined {
  if (email === '') return 'Email must not be empty'
  if (email.length > MAX_EMAIL_LENGTH) return `Email must be at most ${MAX_EMAIL_LENGTH} characters`
  const parts = email.split('@')
  if (parts.length !== 2) return 'Email must contain exactly one "@"'
  const [local, domain] = parts
  if (local === '') return 'Email must have a name before the "@"'
  if (domain === '') return 'Email must have a domain after the "@"'
  if (local.length > MAX_LOCAL_PART_LENGTH || !LOCAL_PART.test(local)) return 'Email has an invalid name before the "@"'
  const labels = domain.split('.')
  if (labels.length < 2) return 'Email domain must contain a "."'
  if (!labels.every((label) => label.length <= 63 && DOMAIN_LABEL.test(label))) return 'Email has an invalid domain'
  if (!TOP_LEVEL_DOMAIN.test(labels[labels.length - 1])) return 'Email has an invalid top-level domain'
  return undefined
}

export function emailFieldErrors(email: string): FieldError[] {
  const problem = emailProblem(email)
  return problem ? [{ loc: ['email'], msg: `value is not a valid email address: ${problem}`, type: 'value_error.email' }] : []
}
