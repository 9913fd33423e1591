import type { IncomingMessage } from 'node:http'
import { HeimdallError } from '../errors.js'
import { pathOfUrl } from './request-path.js'

/**
 * Whether `error` means that the client went away (or sent a request that ended malformed), not that
 * Heimdall failed: a body read cut short (request.aborted), or the error the client's own request or
 * socket was destroyed with (Node's 'aborted' ECONNRESET, an HPE_* parse error, a reset while the
 * answer was pending). Such an error is logged at info and is never a 5xx nor a database outage,
 * although a database driver's lost connection carries the same ECONNRESET: only the error object
 * the client's request or socket holds is the client's.
 */
export function isClientAbort(error: unknown, req: IncomingMessage | undefined): boolean {
  if (error instanceof HeimdallError) return error.code === 'request.aborted'
  if (req === undefined || error == null) return false
  return error === req.errored || error === req.socket?.errored
}

/** The status an aborted request is counted and logged with: the request was incomplete (request.aborted's 400). */
export const CLIENT_ABORTED_STATUS = 400

const REPORTED = new WeakSet<IncomingMessage>()

/**
 * Logs a client's abort once per request (the body read and Koa's socket watch may both see it), at
 * info: `req_id`, method, path without query, and Node's reason.
 */
export function logClientAbort(logger: { info(fields: object, message: string): void }, error: unknown, req: IncomingMessage | undefined, requestId: string | undefined): void {
  if (req !== undefined) {
    if (REPORTED.has(req)) return
    REPORTED.add(req)
  }
  const cause = error instanceof HeimdallError ? (error as { cause?: unknown }).cause : error
  const reason = (cause as { code?: unknown } | null)?.code ?? (cause as { message?: unknown } | null)?.message ?? 'connection closed'
  const url = (req as { originalUrl?: string } | undefined)?.originalUrl ?? req?.url ?? ''
  logger.info({ req_id: requestId, method: req?.method, path: pathOfUrl(url), reason }, 'request aborted by the client')
}
