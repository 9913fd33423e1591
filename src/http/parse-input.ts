import type { z } from 'zod'
import { HeimdallError, validationError } from '../errors.js'

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

/**
 * For a use case whose input came in the request body: field errors it raises (loc ["email"]) are
 * rethrown located in the body (["body", "email"]), as the contract's 422 names them. Use as
 * `.catch(inBody)`; any other error passes through unchanged.
 */
export function inBody(error: unknown): never {
  if (error instanceof HeimdallError && error.code === 'validation.failed' && error.details) {
    throw validationError(error.details.map((detail) => ({ ...detail, loc: ['body', ...detail.loc] })))
  }
  throw error
}
