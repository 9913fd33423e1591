import type { z } from 'zod'
import { validationError } from '../errors.js'

/** Validates a request part against its schema; failures become the contract's 422 body. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, location = 'body'): z.output<T> {
  const result = schema.safeParse(input)
  if (result.success) return result.data
  throw validationError(
    result.error.issues.map((issue) => ({
      loc: [location, ...issue.path.map(String)],
      msg: issue.message,
      type: issue.code === 'custom' ? 'value_error' : issue.code,
    })),
  )
}
