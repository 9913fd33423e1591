import type { Middleware } from 'koa'
import { HeimdallError } from '../../errors.js'

declare module 'koa' {
  interface Request {
    body?: unknown
  }
}

export const MAX_BODY_BYTES = 64 * 1024

/** Reads a JSON body of at most 64 KB; larger bodies get 413, malformed ones 400. */
export function koaJsonBody(limit = MAX_BODY_BYTES): Middleware {
  return async function jsonBody(ctx, next) {
    if (ctx.method === 'POST' || ctx.method === 'PUT' || ctx.method === 'PATCH') {
      const declared = Number(ctx.get('content-length') || 0)
      if (declared > limit) throw tooLarge(limit)
      const raw = await readBody(ctx.req, limit)
      if (raw.length > 0) ctx.request.body = parseJson(raw.toString('utf8'))
    }
    await next()
  }
}

function readBody(stream: NodeJS.ReadableStream, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        stream.removeAllListeners('data')
        stream.resume()
        reject(tooLarge(limit))
        return
      }
      chunks.push(chunk)
    })
    stream.on('end', () => resolve(Buffer.concat(chunks)))
    stream.on('error', reject)
  })
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
