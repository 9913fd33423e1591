import { emailProblem, normalizeEmail } from './email.js'

/**
 * One user as `user:import` reads it and `user:export` writes it: a JSON object per line (JSON Lines),
 * docs/migrating.md. Fields: email (required), email_verified, roles, disabled, created_at (ISO 8601,
 * or epoch milliseconds as a number or digit string), password_hash (absent or null: no password,
 * the person sets one through a reset), password_salt (Firebase exports only: its per-user salt).
 * Other fields are ignored, so that other systems' exports need only a light reshaping.
 */
export interface UserRecord {
  /** Normalised (trimmed, lower-cased), as at registration. */
  email: string
  emailVerified: boolean
  roles: string[]
  disabled: boolean
  /** Epoch milliseconds; undefined: the moment of the import. */
  createdAt?: number
  passwordHash?: string
  passwordSalt?: string
}

/** What `parseUserRecord` answers: the record, or every problem of the line (field: message). */
export type ParsedUserRecord = { record: UserRecord; problems?: undefined } | { record?: undefined; problems: string[] }

/** Parses and checks one line of an import (`now`, epoch ms, bounds created_at); never throws. */
export function parseUserRecord(line: string, now = Date.now()): ParsedUserRecord {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch (error) {
    return { problems: [`not JSON: ${(error as Error).message}`] }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problems: ['not a JSON object'] }
  const fields = value as Record<string, unknown>
  const problems: string[] = []
  const email = typeof fields.email === 'string' ? normalizeEmail(fields.email) : undefined
  if (email === undefined) problems.push('email: required, a string')
  else {
    const problem = emailProblem(email)
    if (problem) problems.push(`email: ${problem}`)
  }
  const emailVerified = optionalBoolean(fields, 'email_verified', problems)
  const disabled = optionalBoolean(fields, 'disabled', problems)
  const roles = fields.roles ?? []
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string' && role.length > 0 && role.length <= 64)) problems.push('roles: a list of role names')
  const createdAt = parseCreatedAt(fields.created_at, now, problems)
  const passwordHash = optionalString(fields, 'password_hash', problems)
  const passwordSalt = optionalString(fields, 'password_salt', problems)
  if (problems.length > 0) return { problems }
  return { record: { email: email!, emailVerified: emailVerified ?? false, roles: [...new Set(roles as string[])], disabled: disabled ?? false, createdAt, passwordHash, passwordSalt } }
}

function optionalBoolean(fields: Record<string, unknown>, name: string, problems: string[]): boolean | undefined {
  const value = fields[name]
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'boolean') problems.push(`${name}: true or false`)
  return value === true
}

function optionalString(fields: Record<string, unknown>, name: string, problems: string[]): string | undefined {
  const value = fields[name]
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string' || value.length > 1024) problems.push(`${name}: a string of at most 1024 characters`)
  return typeof value === 'string' ? value : undefined
}

/** ISO 8601, or epoch milliseconds (Firebase's createdAt is a string of digits); not in the future by more than a day. */
function parseCreatedAt(value: unknown, now: number, problems: string[]): number | undefined {
  if (value === undefined || value === null) return undefined
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? (/^\d+$/.test(value) ? Number(value) : Date.parse(value)) : NaN
  if (!Number.isSafeInteger(ms) || ms < 0 || ms > now + 86_400_000) {
    problems.push('created_at: an ISO 8601 date or epoch milliseconds, not in the future')
    return undefined
  }
  return ms
}

/** The line `user:export` writes for a user: the same fields `parseUserRecord` reads. */
export function userRecordLine(user: { email: string; emailVerified: boolean; roles: string[]; disabled: boolean; createdAt: number; passwordHash?: string }): string {
  const fields: Record<string, unknown> = {
    email: user.email,
    email_verified: user.emailVerified,
    roles: [...user.roles].sort(),
    disabled: user.disabled,
    created_at: new Date(user.createdAt).toISOString(),
  }
  if (user.passwordHash !== undefined) fields.password_hash = user.passwordHash
  return JSON.stringify(fields)
}
