import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One POST as the receiver got it, with the verdict of the spec's algorithm on its signature. */
export interface ReceivedWebhook {
  id: string
  timestamp: string
  signatures: string[]
  body: string
  json: { type: string; timestamp: string; data: Record<string, unknown> }
  /** Whether a signature verified under any secret the receiver holds (verify below). */
  verified: boolean
  /** The secrets, by index into `secrets` at the time, that verified it. */
  verifiedBy: number[]
}

/** What the receiver answers to one request: a status, or nothing until `release()` (a receiver that hangs). */
export type Answer = number | 'hang'

export interface WebhookReceiver {
  url: string
  /** Every request in arrival order, duplicates included. */
  received: ReceivedWebhook[]
  /** The first delivery of each webhook-id, as a receiver that dedupes on it processes them. */
  processed(): ReceivedWebhook[]
  /** The secrets it verifies with (whsec_...); set after webhook:create. */
  secrets: string[]
  /** Hung requests are answered with `status` (and later ones no longer hang). */
  release(status?: number): void
  close(): Promise<void>
}

/**
 * Standard Webhooks verification written out from the specification, independent of Heimdall's code
 * and of the standardwebhooks package: the key is the base64 after `whsec_`; the signed content is
 * `${id}.${timestamp}.${body}`; HMAC-SHA256, base64; the header holds space-separated `v1,<sig>`
 * entries, any of which may match; compared in constant time.
 */
export function verifySignature(secret: string, id: string, timestamp: string, body: string, header: string): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64')
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest()
  return header.split(' ').some((entry) => {
    const [version, signature] = entry.split(',')
    if (version !== 'v1' || signature === undefined) return false
    const given = Buffer.from(signature, 'base64')
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
}

/**
 * A real HTTP receiver on a loopback port. `answers` says what each request gets in turn (the last
 * one repeats; default 200); a 'hang' leaves the request open until release() or close().
 */
export async function startWebhookReceiver(answers: Answer[] = [200]): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = []
  const hung: ServerResponse[] = []
  let releasedWith: number | undefined
  const receiver: Omit<WebhookReceiver, 'url'> & { url?: string } = {
    received,
    secrets: [],
    processed() {
      const seen = new Set<string>()
      return received.filter((message) => message.verified && !seen.has(message.id) && seen.add(message.id))
    },
    release(status = 200) {
      releasedWith = status
      for (const response of hung.splice(0)) response.writeHead(status).end()
    },
    async close() {
      for (const response of hung.splice(0)) response.destroy()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    },
  }
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const id = String(request.headers['webhook-id'])
      const timestamp = String(request.headers['webhook-timestamp'])
      const header = String(request.headers['webhook-signature'] ?? '')
      const verifiedBy = receiver.secrets.map((secret, index) => (verifySignature(secret, id, timestamp, body, header) ? index : -1)).filter((index) => index >= 0)
      received.push({ id, timestamp, signatures: header.split(' '), body, json: JSON.parse(body), verified: verifiedBy.length > 0, verifiedBy })
      const answer = answers[Math.min(received.length - 1, answers.length - 1)]
      if (answer === 'hang' && releasedWith === undefined) hung.push(response)
      else response.writeHead(answer === 'hang' ? releasedWith! : answer, { 'content-type': 'text/plain' }).end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`
  return receiver as WebhookReceiver
}
