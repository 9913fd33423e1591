import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** `count` loopback receivers that answer every webhook 204 and count them, for the events case. */
export async function startReceivers(count: number): Promise<Array<{ url: string; count(): number; close(): Promise<void> }>> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      let received = 0
      const server = createServer((request, response) => {
        request.resume()
        request.on('end', () => {
          received++
          response.writeHead(204).end()
        })
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
        count: () => received,
        close: () => {
          server.closeAllConnections()
          return new Promise<void>((resolve) => server.close(() => resolve()))
        },
      }
    }),
  )
}
