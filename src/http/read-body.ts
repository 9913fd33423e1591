import type { IncomingMessage } from 'node:http'
import { HeimdallError } from '../errors.js'

/**
 * Reads a request's body, up to `limit` bytes. Answers the bytes, or undefined as soon as the body
 * is longer than `limit` (the rest is drained, not kept). Every door that reads a body reads it here,
 * so that a client that hangs up is reported alike everywhere.
 *
 * @throws HeimdallError request.aborted (400) when the connection ends before the body is complete
 *   (fewer bytes than Content-Length, a malformed chunk, a reset): the client's doing, never a 5xx
 *   and never a database outage, whatever code Node's error carries (ECONNRESET, HPE_*).
 */
export function readBodyUpTo(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    if (req.destroyed && !req.complete) return reject(requestAborted())
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) return void chunks.push(chunk)
      req.removeAllListeners('data')
      req.resume()
      resolve(undefined)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    // Node destroys an incomplete request with an error ('aborted', ECONNRESET) whenever its
    // connection ends, so no 'close' listener is needed: the validation hot path pays what it did.
    req.on('error', (cause) => reject(requestAborted(cause)))
  })
}

/**
 * What the validation fast path (validate-fast-path.ts) read of a request it then handed to the Koa
 * app: the body (undefined: over the limit), or why it could not be read whole (request.aborted).
 * koaJsonBody takes it from here instead of the drained stream.
 */
export const READ_BODY = Symbol('heimdall.readBody')
export type ReadBody = { body: Buffer | undefined } | { error: unknown }
export type RequestWithReadBody = IncomingMessage & { [READ_BODY]?: ReadBody }

function requestAborted(cause?: unknown): HeimdallError {
  const error = new HeimdallError('request.aborted', 'The request ended before its body was complete')
  if (cause !== undefined) (error as { cause?: unknown }).cause = cause
  return error
}
