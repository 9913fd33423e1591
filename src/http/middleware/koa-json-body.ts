import type { Middleware } from 'koa'
import { HeimdallError } from '../../errors.js'
import { READ_BODY, readBodyUpTo, type RequestWithReadBody } from '../read-body.js'

declare module 'koa' {
  interface Request {
    body?: unknown
  }
}

export const MAX_BODY_BYTES = 64 * 1024

export const FORM_TYPE = 'application/x-www-form-urlencoded'

export interface BodyOptions {
  limit?: number
  /**
   * Paths whose body is a form (OAuth endpoints, RFC 6749 and 7662): a form-encoded body becomes an
   * object of strings (a repeated field becomes an array, which their schemas refuse), an empty body
   * an empty object, and any other body is read and left undefined for the route to refuse (415).
   * Every other path takes JSON only.
   */
  formPaths?: ReadonlySet<string>
}

/** Reads a body of at most 64 KB; larger bodies get 413, malformed JSON 400, a body cut short by the client 400 (request.aborted). */
export function koaJsonBody(options: BodyOptions = {}): Middleware {
  const limit = options.limit ?? MAX_BODY_BYTES
  const formPaths = options.formPaths ?? new Set<string>()
  return async function jsonBody(ctx, next) {
    if (ctx.method === 'POST' || ctx.method === 'PUT' || ctx.method === 'PATCH') {
      const read = (ctx.req as RequestWithReadBody)[READ_BODY]
      if (read !== undefined && 'error' in read) throw read.error
      const declared = Number(ctx.get('content-length') || 0)
      if (declared > limit) throw tooLarge(limit)
      // The validation fast path read the body of a request it then handed over (validate-fast-path.ts).
      const raw = read === undefined ? await readBodyUpTo(ctx.req, limit) : read.body
      if (raw === undefined) throw tooLarge(limit)
      if (formPaths.has(ctx.path)) {
        if (raw.length === 0 || mediaTypeOf(ctx.get('content-type')) === FORM_TYPE) ctx.request.body = parseForm(raw.toString('utf8'))
      } else if (raw.length > 0) {
        ctx.request.body = parseJson(raw.toString('utf8'))
      }
    }
    await next()
  }
}

/** The media type of a Content-Type header, without parameters and lower-cased: type and subtype are case-insensitive (RFC 9110 section 8.3.1). */
export function mediaTypeOf(contentType: string): string {
  const semicolon = contentType.indexOf(';')
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase()
}

function parseForm(text: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null)
  for (const [name, value] of new URLSearchParams(text)) {
    const seen = fields[name]
    fields[name] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value]
  }
  return fields
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new HeimdallError('request.malformed_json', 'Request body is not valid JSON')
  }
}

function tooLarge(limit: number): HeimdallError {
  return new HeimdallError('request.too_large', `Request body is larger than ${limit / 1024} KB`)
}
