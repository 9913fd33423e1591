// POST /auth/validate is answered on Node's request and response (src/http/validate-fast-path.ts)
// unless the request is anything but plain, when the Koa app answers it: both answers must be the
// same to the byte but for the request id and the date, and every odd request still gets the Koa
// app's answer.
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { READ_BODY, type RequestWithReadBody } from '../../../src/http/read-body.js'
import { createValidateFastPath } from '../../../src/http/validate-fast-path.js'
import { serverTest, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'

interface RawAnswer {
  status: number
  /** Header names and values in the order they came. */
  headers: Array<[string, string]>
  body: string
}

/** POSTs `body` to /auth/validate with the given headers; `chunked` sends it without a Content-Length. */
function post(server: TestServer, body: string, options: { chunked?: boolean; headers?: Record<string, string> } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const url = new URL('/auth/validate', server.url)
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers }
    if (!options.chunked) headers['content-length'] = String(Buffer.byteLength(body))
    const outgoing = request(url, { method: 'POST', headers }, (incoming) => {
      const chunks: Buffer[] = []
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
      incoming.on('end', () => {
        const pairs: Array<[string, string]> = []
        for (let i = 0; i < incoming.rawHeaders.length; i += 2) pairs.push([incoming.rawHeaders[i], incoming.rawHeaders[i + 1]])
        resolve({ status: incoming.statusCode!, headers: pairs, body: Buffer.concat(chunks).toString('utf8') })
      })
    })
    outgoing.on('error', reject)
    if (options.chunked) {
      outgoing.write(body.slice(0, 5))
      outgoing.end(body.slice(5))
    } else {
      outgoing.end(body)
    }
  })
}

const VARYING = new Set(['x-request-id', 'date'])
const stable = (answer: RawAnswer) => answer.headers.filter(([name]) => !VARYING.has(name.toLowerCase()))

serverTest('a plain validation and one the Koa app answers (a chunked body) are the same answer', async (t, server) => {
  const { accessToken } = await server.client.registerAndLogin(uniqueEmail('fast-path'), TEST_PASSWORD)
  for (const token of [accessToken, 'not-a-token']) {
    const body = JSON.stringify({ token })
    const fast = await post(server, body)
    const koa = await post(server, body, { chunked: true })
    t.is(fast.status, 200)
    t.is(fast.body, koa.body)
    t.deepEqual(stable(fast), stable(koa), 'the same headers, in the same order, with the same values')
    t.deepEqual(fast.headers.map(([name]) => name.toLowerCase()), koa.headers.map(([name]) => name.toLowerCase()))
  }
  const valid = JSON.parse((await post(server, JSON.stringify({ token: accessToken }))).body)
  t.true(valid.is_valid)
})

serverTest('the client\'s X-Request-Id comes back from the fast path, a generated one otherwise', async (t, server) => {
  const mine = await post(server, '{"token":"x"}', { headers: { 'x-request-id': 'trace-42.a' } })
  t.deepEqual(mine.headers.find(([name]) => name === 'X-Request-Id'), ['X-Request-Id', 'trace-42.a'])
  const unsafe = await post(server, '{"token":"x"}', { headers: { 'x-request-id': 'bad id\twith tab' } })
  t.regex(unsafe.headers.find(([name]) => name === 'X-Request-Id')![1], /^[0-9a-f-]{36}$/)
})

serverTest('what the fast path does not take gets the Koa app\'s answers: 400, 413, 422, with the API headers', async (t, server) => {
  const cases: Array<{ body: string; status: number; code: string }> = [
    { body: '{"token"', status: 400, code: 'request.malformed_json' },
    { body: '{"token": 5}', status: 422, code: 'validation.failed' },
    { body: '[]', status: 422, code: 'validation.failed' },
    { body: '', status: 422, code: 'validation.failed' },
    { body: JSON.stringify({ token: 'x'.repeat(70 * 1024) }), status: 413, code: 'request.too_large' },
  ]
  for (const { body, status, code } of cases) {
    const answer = await post(server, body)
    t.is(answer.status, status, body.slice(0, 20))
    t.is(JSON.parse(answer.body).code, code, body.slice(0, 20))
    const names = answer.headers.map(([name]) => name)
    for (const header of ['X-API-Version', 'X-Content-Type-Options', 'X-Frame-Options', 'Cache-Control', 'X-Request-Id']) t.true(names.includes(header), `${header} on ${status}`)
  }
})

serverTest('the fast path takes the plain validation and hands everything else to the Koa app, with what it read', async (t, server) => {
  const handedOver: Array<{ url: string; read: unknown }> = []
  const fastPath = createValidateFastPath(server.context, { logger: server.context.logger, metrics: server.context.metrics }, (req, res) => {
    handedOver.push({ url: req.url!, read: (req as RequestWithReadBody)[READ_BODY] })
    res.writeHead(299).end()
  })
  const listener = createServer((req, res) => {
    if (!fastPath(req, res)) {
      handedOver.push({ url: req.url!, read: undefined })
      res.writeHead(298).end()
    }
  })
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve))
  t.teardown(() => listener.close())
  const at = { url: `http://127.0.0.1:${(listener.address() as AddressInfo).port}` } as TestServer

  const { accessToken } = await server.client.registerAndLogin(uniqueEmail('fast-path-taken'), TEST_PASSWORD)
  const plain = await post(at, JSON.stringify({ token: accessToken }))
  t.is(plain.status, 200)
  t.true(JSON.parse(plain.body).is_valid)
  t.deepEqual(handedOver, [], 'answered without the Koa app')

  t.is((await post(at, '{"token": 5}')).status, 299, 'read, then handed over')
  t.deepEqual(handedOver.pop(), { url: '/auth/validate', read: { body: Buffer.from('{"token": 5}') } })
  t.is((await post(at, '{"token":"x"}', { chunked: true })).status, 298, 'no Content-Length: not taken')
  t.is(handedOver.pop()?.read, undefined)
})
