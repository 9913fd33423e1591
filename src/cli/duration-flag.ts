import { parseDuration, type DurationRange } from '../domain/durations.js'
import { validationError } from '../errors.js'

/** A duration flag (--ttl 12h) in seconds; a bad or out-of-range one is the user's input error (exit 65), not a setting's. */
export function durationFlag(raw: string, flag: string, range: DurationRange): number {
  const parsed = parseDuration(raw, range)
  if (parsed.problem !== undefined) throw validationError([{ loc: [flag], msg: `${flag} ${parsed.problem}`, type: 'value_error' }])
  return parsed.seconds
}
