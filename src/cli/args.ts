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

function parseEmail(raw: string, label: string): string {
  const email = normalizeEmail(raw)
  const problem = emailProblem(email)
  if (problem) throw validationError([{ loc: [label], msg: `${label} is not a valid email address: ${problem}`, type: 'value_error.email' }])
  return email
}
