import { Args, Flags, type Interfaces } from '@oclif/core'
import { invalidArgument } from './args.js'

/** The values an integer argument or flag accepts, both ends included; within Number.MAX_SAFE_INTEGER. */
export type IntegerRange = { min: number; max: number }

/** The largest id a mail (or any row id) can have and still be read exactly as a JavaScript number. */
export const MAX_ID = Number.MAX_SAFE_INTEGER

/**
 * An integer argument (mail:show ID): decimal digits within `min`..`max`, else validation.failed
 * (exit 65) naming the argument. oclif's own integer refuses with a plain error (exit 1) and reads
 * 99999999999999999999999 as 1e+23.
 */
export function integerArg(options: IntegerRange & { description: string; required: true }) {
  return requiredIntegerArg(options)
}

// Typed with an optional range, as oclif's own integer is: a command's args must accept any parser options.
const requiredIntegerArg = Args.custom<number, Partial<IntegerRange>>({
  parse: async (input, context, range) => parseInteger(input, context.token.arg.toUpperCase(), { min: range.min!, max: range.max! }),
})

/** An integer flag (--limit 50), with integerArg's rules. */
export const integerFlag: Interfaces.FlagDefinition<number, IntegerRange, { multiple: false; requiredOrDefaulted: false }> = Flags.custom<number, IntegerRange>({
  parse: async (input, _context, range) => parseInteger(input, `--${range.name}`, range),
})

/**
 * `raw` as a number when it is a whole decimal number within the range; compared as a BigInt first, so
 * a number too large for a double is refused rather than rounded. Throws validation.failed (loc: label).
 */
export function parseInteger(raw: string, label: string, range: IntegerRange): number {
  const refuse = (msg: string) => invalidArgument(label, msg)
  if (!Number.isSafeInteger(range.min) || !Number.isSafeInteger(range.max)) throw new Error(`${label}: the range must be safe integers`)
  if (!/^-?\d+$/.test(raw)) throw refuse(`${label} must be a whole number from ${range.min} to ${range.max}, not "${raw}"`)
  const value = BigInt(raw)
  if (value < BigInt(range.min) || value > BigInt(range.max)) throw refuse(`${label} must be between ${range.min} and ${range.max}, not ${raw}`)
  return Number(value)
}
