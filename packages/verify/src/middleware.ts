import type { IncomingMessage, ServerResponse } from 'node:http'
import { refused, type Validation } from './answer.js'
import type { Verifier } from './verifier.js'

/**
 * The bearer token of an `Authorization` header (RFC 6750 section 2.1), or undefined when there is
 * none or it is not a bearer token.
 */
export function bearerTokenOf(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header)
  return match?.[1]
}

/**
 * A refusal as HTTP: 401 with `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750 section 3.1),
 * or 503 with Retry-After when the verifier cannot be trusted now; the body is the validation itself.
 */
export function refusalResponse(validation: Validation): { status: number; headers: Record<string, string>; body: string } {
  const unavailable = validation.code === 'verifier.unavailable'
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }
  if (unavailable) headers['retry-after'] = '1'
  else headers['www-authenticate'] = `Bearer error="invalid_token", error_description="${(validation.error ?? '').replace(/["\\]/g, '')}"`
  return { status: unavailable ? 503 : 401, headers, body: JSON.stringify(validation) }
}

const MISSING = 'Authorization header with a Bearer token is required'

/** Koa's context, as far as the middleware reads and writes it (no dependency on koa). */
interface KoaLikeContext {
  get(field: string): string
  status: number
  body: unknown
  set(field: string, value: string): void
  state: Record<string, unknown>
}

/**
 * Koa middleware: lets a request through with `ctx.state.heimdall` set to the valid verification, and
 * answers anything else itself (see {@link refusalResponse}; a missing token is 401 with `code`
 * `token.invalid`).
 */
export function koaMiddleware(verifier: Verifier) {
  return async function verifyHeimdallToken(ctx: KoaLikeContext, next: () => Promise<unknown>): Promise<void> {
    const token = bearerTokenOf(ctx.get('authorization') || undefined)
    const validation = token === undefined ? missing() : await verifier.verify(token)
    if (!validation.is_valid) {
      const refusal = refusalResponse(validation)
      ctx.status = refusal.status
      for (const [name, value] of Object.entries(refusal.headers)) ctx.set(name, value)
      ctx.body = refusal.body
      return
    }
    ctx.state.heimdall = validation
    await next()
  }
}

// Express users read `req.heimdall` typed, as @types/passport adds `req.user`: a merge into the
// global `Express.Request` that @types/express declares, and harmless where it is not installed
// (the package depends on no Express types).
declare global {
  namespace Express {
    interface Request {
      /** The valid verification of the request's bearer token, set by expressMiddleware. */
      heimdall?: Validation
    }
  }
}

/**
 * Express middleware (tested with Express 5; the same signature serves connect and plain node:http),
 * `(req, res, next)`: a valid token goes on to `next()` with `req.heimdall` set to its verification;
 * a missing or refused one is answered here (see {@link refusalResponse}; `next` is not called). An
 * error thrown by the verifier itself (a revocation feed of the caller's that throws) goes to
 * `next(error)`, Express's error handlers.
 */
export function expressMiddleware(verifier: Verifier) {
  return function verifyHeimdallToken(req: IncomingMessage & { heimdall?: Validation }, res: ServerResponse, next: (error?: unknown) => void): void {
    const header = req.headers.authorization
    const token = bearerTokenOf(header)
    const verified = token === undefined ? Promise.resolve(missing()) : verifier.verify(token)
    verified.then(
      (validation) => {
        if (validation.is_valid) {
          req.heimdall = validation
          next()
          return
        }
        const refusal = refusalResponse(validation)
        res.writeHead(refusal.status, refusal.headers)
        res.end(refusal.body)
      },
      (error: unknown) => next(error),
    )
  }
}

function missing(): Validation {
  return refused('token.invalid', MISSING)
}
