import { Args } from '@oclif/core'

/** The user a command acts on, named by email (matched trimmed and lower-cased, as at login). */
export const emailArg = Args.string({ description: 'Email of the user', required: true })
