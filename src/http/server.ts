import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Context } from '../context.js'
import { createApp } from './app.js'
import { createOidcHost, withOidc } from './oidc/mount.js'

export interface RunningServer {
  server: Server
  url: string
  /** Stops accepting, lets in-flight requests finish (up to the grace period), then closes. */
  close(gracePeriodMs?: number): Promise<void>
}

export async function startHttpServer(context: Context, options: { host: string; port: number }): Promise<RunningServer> {
  const oidc = context.config.oidcEnabled ? createOidcHost(context) : undefined
  const app = createApp(context, oidc)
  const server = createServer(withOidc(oidc, app.callback()))
  server.keepAliveTimeout = 5000
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
