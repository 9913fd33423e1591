import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import { isIP, type Socket } from 'node:net'
import { isForbiddenAddress } from '../../domain/private-address.js'

/** What one POST came to: a status (any, redirects included) or an error before one. */
export interface WebhookResponse {
  statusCode: number | null
  /** Milliseconds from the start to the end of the response (or the error). */
  latencyMs: number
  /** Why there is no usable answer: refused destination, timeout, connection error, oversized body. */
  error: string | null
}

export interface WebhookClientOptions {
  /** HEIMDALL_WEBHOOK_ALLOW_PRIVATE. */
  allowPrivate: boolean
  /** The whole exchange, connect to last byte. */
  timeoutMs: number
  /** Bytes of response body read at most; the rest is not waited for. */
  maxResponseBytes?: number
  userAgent: string
  /** Aborts the exchange (the server is stopping): answered as an error. */
  signal?: AbortSignal
}

const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024

/** A refusal of the SSRF guard: the destination's address is a private one. */
export class ForbiddenDestinationError extends Error {
  constructor(host: string, address: string) {
    super(`refused: ${host} resolves to ${address}, a loopback, private, link-local or metadata address (HEIMDALL_WEBHOOK_ALLOW_PRIVATE=true allows it)`)
  }
}

/**
 * POSTs one webhook. The SSRF guard checks the address connected to, not a name looked up before:
 * the connection's own DNS lookup drops forbidden addresses (so a name that resolves to a public
 * address once and to 127.0.0.1 the next time, DNS rebinding, cannot slip through), an IP literal is
 * checked before connecting, and the socket's remote address is checked again once connected.
 * Redirects are never followed (a 3xx is an answer like any other, and not a success); the whole
 * exchange has a deadline; at most `maxResponseBytes` of the answer are read. JSON unless `headers`
 * names another content-type (Shared Signals push sends application/secevent+jwt).
 */
export function postWebhook(url: string, body: string, headers: Record<string, string>, options: WebhookClientOptions): Promise<WebhookResponse> {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  const target = new URL(url)
  const host = target.hostname.replace(/^\[|\]$/g, '')
  const guard = (address: string) => (!options.allowPrivate && isForbiddenAddress(address) ? new ForbiddenDestinationError(host, address) : undefined)
  const cap = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES

  return new Promise((resolve) => {
    let settled = false
    let deadline: NodeJS.Timeout | undefined
    const finish = (statusCode: number | null, error: string | null) => {
      if (settled) return
      settled = true
      clearTimeout(deadline)
      resolve({ statusCode, latencyMs: elapsed(), error })
    }
    if (options.signal?.aborted) return finish(null, 'interrupted: the server is stopping')
    if (isIP(host) !== 0) {
      const refused = guard(host)
      if (refused) return finish(null, refused.message)
    }
    const lookup = (hostname: string, lookupOptions: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
      dnsLookup(hostname, { ...lookupOptions, all: true }, (err, addresses) => {
        if (err) return callback(err, [])
        const allowed = (addresses as LookupAddress[]).filter((entry) => guard(entry.address) === undefined)
        if (allowed.length === 0) return callback(new ForbiddenDestinationError(hostname, (addresses as LookupAddress[])[0]?.address ?? '?') as NodeJS.ErrnoException, [])
        if (lookupOptions.all) callback(null, allowed)
        else callback(null, allowed[0].address, allowed[0].family)
      })
    }
    const transport = target.protocol === 'https:' ? https : http
    const request = transport.request(
      target,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers, 'content-length': Buffer.byteLength(body).toString(), 'user-agent': options.userAgent }, lookup, agent: false },
      (response) => {
        let read = 0
        response.on('data', (chunk: Buffer) => {
          read += chunk.length
          // The status is the answer: a receiver that streams megabytes back is not waited for.
          if (read > cap) {
            response.destroy()
            finish(response.statusCode ?? null, null)
          }
        })
        response.on('end', () => finish(response.statusCode ?? null, null))
        response.on('error', (err) => finish(response.statusCode ?? null, err.message))
      },
    )
    request.on('socket', (socket: Socket) => {
      socket.once('connect', () => {
        const refused = socket.remoteAddress === undefined ? undefined : guard(socket.remoteAddress)
        if (refused) request.destroy(refused)
      })
    })
    request.on('error', (err) => finish(null, err.message))
    options.signal?.addEventListener('abort', () => request.destroy(new Error('interrupted: the server is stopping')), { once: true })
    deadline = setTimeout(() => {
      request.destroy(new Error(`timed out after ${options.timeoutMs} ms`))
    }, options.timeoutMs)
    request.end(body)
  })
}
