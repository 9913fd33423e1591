import { Args, Flags } from '@oclif/core'
import { emailProblem, normalizeEmail } from '../domain/email.js'
import { validationError } from '../errors.js'

/**
 * An email argument, as every command takes one: trimmed and lower-cased (as at login), and refused
 * when malformed with validation.failed (exit 65) naming the argument, before any lookup: "No user
 * with email ..." (exit 1) is only ever about a well-formed address. Same rule as registration.
 */
export function emailArgument(description: string) {
  return Args.custom<string>({ parse: async (input, context) => parseEmail(input, context.token.arg.toUpperCase()) })({ description, required: true })
}

/** The user a command acts on, named by email. */
export const emailArg = emailArgument('Email of the user')

/** An email flag (audit:list --user), with emailArgument's rules. */
export const emailFlag = Flags.custom<string>({ parse: async (input, _context, flag) => parseEmail(input, `--${flag.name}`) })

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/**
 * A session id (the sid claim): a UUID, as Heimdall makes every one, matched lower-cased; anything
 * else is validation.failed (exit 65), so "No live session" (exit 1) is only about a real-looking id.
 */
export const sessionIdArg = Args.custom<string>({
  parse: async (input, context) => {
    const id = input.trim().toLowerCase()
    const label = context.token.arg.toUpperCase()
    if (!UUID.test(id)) throw invalidArgument(label, `${label} must be a session id, a UUID such as 0b7c5a1e-2f43-4c1e-9d0a-6a1f2b3c4d5e (the sid claim), not "${input}"`)
    return id
  },
})({ description: 'The session id (the sid claim)', required: true })

/** A FieldError for the argument or flag `label`, as every CLI input check throws it. */
export function invalidArgument(label: string, msg: string, type = 'value_error') {
  return validationError([{ loc: [label], msg, type }])
}

function parseEmail(raw: string, label: string): string {
  const email = normalizeEmail(raw)
  const problem = emailProblem(email)
  if (problem) throw invalidArgument(label, `${label} is not a valid email address: ${problem}`, 'value_error.email')
  return email
}
