// Push (RFC 8935) is prompt by design (issue 25: a logout reaches a push receiver in under 100 ms): a
// server that commits an event a push stream may want wakes its push sender at once. The push
// interval here is ten minutes, so no timer round can deliver anything during the test: every SET
// that arrives was sent because its event woke the sender. SQLite, one server for the file.
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import test from 'ava'
import { eventually } from '../../support/eventually.js'
import { startOidcServer, type OidcServer } from '../../support/oidc.js'
import { TEST_PASSWORD, uniqueEmail } from '../../support/server.js'
import { ssfReceiver } from '../../support/ssf.js'

const PUSH = 'urn:ietf:rfc:8935'
const BOUND_MS = 100
let server: OidcServer

test.before(async () => {
  // The push receiver listens on 127.0.0.1, which the SSRF guard refuses unless allowed.
  server = await startOidcServer('sqlite', { HEIMDALL_JWT_ALG: 'RS256', HEIMDALL_WEBHOOK_ALLOW_PRIVATE: 'true', HEIMDALL_SSF_PUSH_INTERVAL_MS: '600000' })
})
test.after.always(async () => {
  await server?.close()
})

test('a logout reaches a push receiver in under 100 ms from its answer, without waiting for the push interval (ten minutes here) [sqlite]', async (t) => {
  // When each user's SET arrived (performance.now(), the same clock as the test's).
  const arrivals = new Map<string, number>()
  const endpoint = createServer((req: IncomingMessage, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      const at = performance.now()
      const subject = JSON.parse(Buffer.from(body.split('.')[1], 'base64url').toString()).sub_id?.user?.sub as string | undefined
      if (subject !== undefined && !arrivals.has(subject)) arrivals.set(subject, at)
      res.writeHead(202).end()
    })
  })
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve))
  try {
    const receiver = await ssfReceiver(server)
    const url = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/events`
    const created = await receiver.call('POST', '/ssf/stream', { delivery: { method: PUSH, endpoint_url: url } })
    t.is(created.status, 201, JSON.stringify(created.json))

    const delays: number[] = []
    for (let i = 0; i < 5; i++) {
      const email = uniqueEmail('push')
      const { userId } = await server.client.registerAndLogin(email, TEST_PASSWORD)
      const tokens = await server.client.loginTokens(email, TEST_PASSWORD)
      const loggedOut = await server.client.logout(tokens.accessToken)
      const answeredAt = performance.now()
      t.is(loggedOut.statusCode, 204)
      const arrived = await eventually(async () => arrivals.has(userId), 5000, 5)
      t.truthy(arrived, `the SET of logout ${i + 1} was pushed (no timer round could have sent it)`)
      // Negative when the SET was in before the test had read the logout's answer: the sender is
      // woken at the commit, before the answer leaves.
      delays.push(arrivals.get(userId)! - answeredAt)
    }
    t.log(`from the logout's answer to the receiver: ${delays.map((ms) => `${ms.toFixed(1)} ms`).join(', ')}`)
    for (const delay of delays) t.true(delay < BOUND_MS, `pushed ${delay.toFixed(1)} ms after the logout answered (bound ${BOUND_MS} ms)`)
  } finally {
    endpoint.close()
  }
})
