import { randomUUID } from 'node:crypto'
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http'
import type { Context } from '../context.js'
import { VERSION } from '../version.js'
import { validateToken } from '../usecases/tokens/validate-token.js'
import { MAX_BODY_BYTES } from './middleware/koa-json-body.js'
import { READ_BODY, readBodyUpTo, type ReadBody, type RequestWithReadBody } from './read-body.js'
import { requestContexts } from './request-context.js'
import { API_CSP } from './middleware/koa-response-headers.js'
import { SECURITY_HEADERS } from './security-headers.js'
import { SAFE_REQUEST_ID } from './request-id.js'
import { finishObservation, type ObservationSinks } from './request-observation.js'
import { validationBody } from './routes/validation-body.js'

export const VALIDATE_PATH = '/auth/validate'

/**
 * POST /auth/validate answered on Node's own request and response: the route is 99% of the traffic,
 * and the Koa app's per-request work (its context and request/response objects, the middleware chain
 * and the router, answering through ctx.body) cost more server CPU than the validation itself
 * (docs/performance.md). The answer is the Koa route's to the byte: the same headers in the same
 * order (koa-response-headers.ts, security-headers.ts, X-Request-Id), the same body
 * (validation-body.ts), the same access line and metric (request-observation.ts), through the same
 * use case.
 *
 * Returns a listener that answers true when it took the request. It takes only the plain case: that
 * path after canonical-path.ts, a service that is ready, a Content-Length within the 64 KB limit and no
 * Transfer-Encoding. It hands the request to `koa` (with what it read, READ_BODY) whenever the answer
 * would be anything but the validation's: a body cut short, not a JSON object with a string `token`,
 * or an error from the use case. The Koa app then answers it as it always has (400, 422, 503...).
 */
export function createValidateFastPath(
  context: Context,
  sinks: ObservationSinks,
  koa: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const contextOf = requestContexts(context)
  const handOver = (req: RequestWithReadBody, res: ServerResponse, read: ReadBody) => {
    req[READ_BODY] = read
    koa(req, res)
  }

  async function answer(req: IncomingMessage, res: ServerResponse, body: Buffer, started: number): Promise<void> {
    const token = tokenOf(body)
    if (token === undefined) return handOver(req, res, { body })
    const incomingId = req.headers['x-request-id']
    const requestId = typeof incomingId === 'string' && SAFE_REQUEST_ID.test(incomingId) ? incomingId : randomUUID()
    let json: string
    try {
      json = JSON.stringify(validationBody(await validateToken(contextOf({ state: { requestId } }), token)))
    } catch {
      // The Koa app validates again and answers the error as every route does (and reports it).
      return handOver(req, res, { body })
    }
    sinks.metrics.totalRequests++
    res.writeHead(200, answerHeaders(requestId, Buffer.byteLength(json)))
    res.end(json)
    finishObservation(sinks, { requestId, started }, { method: 'POST', path: VALIDATE_PATH, route: VALIDATE_PATH, status: 200, quiet: true })
  }

  return function validateFastPath(req, res) {
    if (req.url !== VALIDATE_PATH || req.method !== 'POST' || !context.ready) return false
    const declared = req.headers['content-length']
    if (declared === undefined || req.headers['transfer-encoding'] !== undefined || !(Number(declared) <= MAX_BODY_BYTES)) return false
    const started = performance.now()
    readBodyUpTo(req, MAX_BODY_BYTES)
      .then(
        (body) => (body === undefined ? handOver(req, res, { body }) : answer(req, res, body, started)),
        (error: unknown) => handOver(req, res, { error }),
      )
      .catch((error: unknown) => context.logger.error({ err: error }, 'unexpected error answering a validation'))
    return true
  }
}

/** The `token` of a JSON object body (as ValidateRequest reads it), or undefined for any other body. */
function tokenOf(body: Buffer): string | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(body.toString('utf8'))
  } catch {
    return undefined
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined
  const { token } = parsed as { token?: unknown }
  return typeof token === 'string' ? token : undefined
}

/** The Koa route's headers, in its order; Node adds Date and Connection as it does for Koa. */
function answerHeaders(requestId: string, contentLength: number): OutgoingHttpHeaders {
  return {
    'X-API-Version': VERSION,
    ...SECURITY_HEADERS,
    'Content-Security-Policy': API_CSP,
    'Cache-Control': 'no-store',
    'X-Request-Id': requestId,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': contentLength,
  }
}
