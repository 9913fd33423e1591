import type { IncomingMessage } from 'node:http'
import { isIP } from 'node:net'
import type { Context as KoaContext } from 'koa'

/**
 * The address a request came from, for per-IP rate limits and the audit trail. Each reverse proxy
 * appends the address it received the request from to X-Forwarded-For, so behind `trustedProxies`
 * of them the entry that many places from the right is the client as the outermost one saw it; the
 * entries further left are whatever the client sent, and are never read. Without trusted proxies,
 * without the header (a request that bypassed the proxies) or when that entry is not an IP address,
 * the socket's address.
 */
export function clientIp(ctx: KoaContext, trustedProxies: number): string {
  return clientIpOf(ctx.req, trustedProxies)
}

/** clientIp for a request that never entered Koa (the OpenID Connect provider's, split before it). */
export function clientIpOf(req: IncomingMessage, trustedProxies: number): string {
  const socketAddress = req.socket.remoteAddress ?? ''
  if (trustedProxies === 0) return socketAddress
  const header = req.headers['x-forwarded-for']
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
  if (forwarded.length === 0) return socketAddress
  const client = forwarded[Math.max(forwarded.length - trustedProxies, 0)]
  return isIP(client) ? client : socketAddress
}
