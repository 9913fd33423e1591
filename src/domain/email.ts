import type { FieldError } from '../errors.js'

export const MAX_EMAIL_LENGTH = 254
const MAX_LOCAL_PART_LENGTH = 64

const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/
const DOMAIN_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/
const TOP_LEVEL_DOMAIN = /^[a-z]{2,63}$/

/**
 * emailProblem's rules as one ECMA-262 pattern (JSON Schema "pattern", unicode mode) over the raw
 * input, for clients: spaces around it and capitals allowed, as it is trimmed and lower-cased
 * first; the name at most 64 characters of dot-separated atoms; two or more domain labels of at most
 * 63, the last letters only. The overall 254-character limit is the schema's maxLength.
 */
export const EMAIL_PATTERN = (() => {
  const atom = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
  const label = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?'
  return `^\\s*(?=[^@]{1,64}@)${atom}(?:\\.${atom})*@(?:${label}\\.)+[A-Za-z]{2,63}\\s*$`
})()

/**
 * Emails are compared trimmed and with ASCII capitals lower-cased, so a case variant is the same
 * account. Only A-Z: toLowerCase() also maps the Kelvin sign (U+212A) to "k", which made
 * "\u212Aelvin@example.com" (another mailbox, refused by EMAIL_PATTERN) the account of
 * "kelvin@example.com", and an upstream provider asserting the first auto-linked to the second.
 * A non-ASCII character stays as typed, and emailProblem refuses it.
 */
export function normalizeEmail(raw: string): string {
  return raw.trim().replace(/[A-Z]+/g, (capitals) => capitals.toLowerCase())
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
