import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Context } from '../context.js'
import { createRequestListener } from './app.js'
import { answerClientErrors } from './client-errors.js'
import { createOidcHost, withOidc } from './oidc/mount.js'

export interface RunningServer {
  server: Server
  url: string
  /** Stops accepting, lets in-flight requests finish (up to the grace period), then closes. */
  close(gracePeriodMs?: number): Promise<void>
}

/**
 * How often Node looks for requests past their headers or request timeout. Its default (30 s) would
 * let a slow client hold a connection up to 30 s longer than the timeouts say.
 */
const TIMEOUT_CHECK_INTERVAL_MS = 1000

/**
 * Listens with timeouts that fit an auth API: a client that trickles its headers or its body is cut
 * off (408, connection closed) after HEIMDALL_HEADERS_TIMEOUT / HEIMDALL_REQUEST_TIMEOUT instead of
 * holding a connection for Node's 60 s / 300 s; a request that had arrived while the server was held
 * up is served, not refused (client-errors.ts).
 */
export async function startHttpServer(context: Context, options: { host: string; port: number }): Promise<RunningServer> {
  const oidc = context.config.oidcEnabled ? createOidcHost(context) : undefined
  const { headersTimeoutSeconds, requestTimeoutSeconds } = context.config
  const server = createServer(
    { headersTimeout: headersTimeoutSeconds * 1000, requestTimeout: requestTimeoutSeconds * 1000, connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS },
    withOidc(oidc, createRequestListener(context, oidc)),
  )
  // Idle kept-alive connections are closed after 65 s, longer than clients and load balancers keep
  // them (undici: the announced timeout less 1 s; ALB: 60 s). At Node's 5 s, a client that reused a
  // connection just as the server closed it got ECONNRESET, often after a stalled event loop.
  server.keepAliveTimeout = 65000
  answerClientErrors(server, requestTimeoutSeconds * 1000, context.logger)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { address, port } = server.address() as AddressInfo
  const host = address.includes(':') ? `[${address}]` : address

  return {
    server,
    url: `http://${host}:${port}`,
    close(gracePeriodMs = 10_000) {
      return new Promise<void>((resolve) => {
        const force = setTimeout(() => server.closeAllConnections(), gracePeriodMs)
        server.close(() => {
          clearTimeout(force)
          resolve()
        })
        // Idle keep-alive sockets would hold close() open; busy ones finish their request first.
        server.closeIdleConnections()
      })
    },
  }
}
