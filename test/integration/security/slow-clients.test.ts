import { connect, type Socket } from 'node:net'
import test from 'ava'
import { startTestServer, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'
import { stallEventLoop } from '../../support/stall.js'

// Timeouts are the HTTP server's, the same whatever database is behind it: SQLite only.
const HEADERS_TIMEOUT_S = 2
const REQUEST_TIMEOUT_S = 3
/** Node looks for expired requests once a second (TIMEOUT_CHECK_INTERVAL_MS), on a machine that may be busy. */
const SLACK_MS = 3000
const TRICKLE_MS = 400

let server: TestServer
test.before(async () => {
  server = await startTestServer('sqlite', { env: { HEIMDALL_HEADERS_TIMEOUT: `${HEADERS_TIMEOUT_S}s`, HEIMDALL_REQUEST_TIMEOUT: `${REQUEST_TIMEOUT_S}s` } })
})
test.after.always(async () => server?.close())

/** Opens a connection, writes `start`, then one piece from `trickle` every TRICKLE_MS; answers when the server closes it, and what it said. */
function trickle(start: string, piece: (i: number) => string, giveUpMs: number): Promise<{ closedAfterMs: number | undefined; answer: string }> {
  const { hostname, port } = new URL(server.url)
  return new Promise((resolve) => {
    const started = Date.now()
    const socket: Socket = connect(Number(port), hostname)
    let answer = ''
    let i = 0
    const ticker = setInterval(() => socket.writable && socket.write(piece(i++)), TRICKLE_MS)
    const finish = (closedAfterMs: number | undefined) => {
      clearInterval(ticker)
      clearTimeout(giveUp)
      socket.destroy()
      resolve({ closedAfterMs, answer })
    }
    const giveUp = setTimeout(() => finish(undefined), giveUpMs)
    socket.on('data', (chunk) => (answer += chunk))
    socket.on('error', () => undefined)
    socket.on('close', () => finish(Date.now() - started))
    socket.write(start)
  })
}

test('a client that trickles header lines is cut off after HEIMDALL_HEADERS_TIMEOUT', async (t) => {
  const { closedAfterMs, answer } = await trickle('POST /auth/login HTTP/1.1\r\nHost: heimdall\r\n', (i) => `X-Slow-${i}: a\r\n`, 20_000)
  t.not(closedAfterMs, undefined, 'still connected after 20 s (Node alone holds it 60 s)')
  t.true(closedAfterMs! >= HEADERS_TIMEOUT_S * 1000 - 100, `closed after ${closedAfterMs} ms`)
  t.true(closedAfterMs! <= HEADERS_TIMEOUT_S * 1000 + SLACK_MS, `closed after ${closedAfterMs} ms`)
  t.regex(answer, /^HTTP\/1\.1 408/)
})

test('a client that trickles its body is cut off after HEIMDALL_REQUEST_TIMEOUT', async (t) => {
  const body = JSON.stringify({ email: uniqueEmail('slow'), password: TEST_PASSWORD })
  const head = `POST /auth/login HTTP/1.1\r\nHost: heimdall\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`
  const { closedAfterMs, answer } = await trickle(head, (i) => body[i] ?? '', 20_000)
  t.not(closedAfterMs, undefined, 'still connected after 20 s (Node alone holds it 300 s)')
  t.true(closedAfterMs! >= REQUEST_TIMEOUT_S * 1000 - 100, `closed after ${closedAfterMs} ms`)
  t.true(closedAfterMs! <= REQUEST_TIMEOUT_S * 1000 + SLACK_MS, `closed after ${closedAfterMs} ms`)
  t.regex(answer, /^HTTP\/1\.1 408/)
})

/** Sends `request` on a new connection and answers what the server said by the time it closed it. */
function send(request: string): Promise<string> {
  const { hostname, port } = new URL(server.url)
  return new Promise((resolve) => {
    let answer = ''
    const socket = connect(Number(port), hostname, () => socket.write(request))
    socket.on('data', (chunk) => (answer += chunk))
    socket.on('error', () => undefined)
    socket.on('close', () => resolve(answer))
  })
}

// Serial, so that the held-up event loop meets this test's connection and no other test's.
test.serial('a request that arrived while the server was held up past HEIMDALL_HEADERS_TIMEOUT is served, not answered 408', async (t) => {
  // The event loop held up right after the connection is accepted, as a slow synchronous SQLite
  // write or a starved CPU holds it: Node checks the headers clock before it reads the socket.
  const holdUp = () => stallEventLoop(HEADERS_TIMEOUT_S * 1000 + 1500)
  server.http.once('connection', holdUp)
  t.regex(await send('GET /health HTTP/1.1\r\nHost: heimdall\r\nConnection: close\r\n\r\n'), /^HTTP\/1\.1 200 /)

  // A body that had arrived too: the login is answered (no such user: 400, as the contract has it), not timed out.
  const body = JSON.stringify({ email: uniqueEmail('held-up'), password: TEST_PASSWORD })
  server.http.once('connection', holdUp)
  const answer = await send(`POST /auth/login HTTP/1.1\r\nHost: heimdall\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`)
  t.regex(answer, /^HTTP\/1\.1 400 [^]*"code":"auth\.invalid_credentials"/)
})

test('a connection that sends nothing is closed after HEIMDALL_HEADERS_TIMEOUT, unanswered: there is no request to answer', async (t) => {
  const { closedAfterMs, answer } = await trickle('', () => '', 20_000)
  t.not(closedAfterMs, undefined, 'still connected after 20 s')
  t.true(closedAfterMs! >= HEADERS_TIMEOUT_S * 1000 - 100, `closed after ${closedAfterMs} ms`)
  t.true(closedAfterMs! <= HEADERS_TIMEOUT_S * 1000 + SLACK_MS, `closed after ${closedAfterMs} ms`)
  // A browser's preconnected connection: a 408 here, met by the request the browser sends on it at
  // that moment, would be read as that request's answer (Chromium shows an error page).
  t.is(answer, '')
})

test('what never becomes a request is answered as Node answers it: 400 for a malformed one, 431 for headers past 16 KiB', async (t) => {
  t.is(await send('NOT AN HTTP REQUEST\r\n\r\n'), 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
  t.is(await send(`GET /health HTTP/1.1\r\nHost: heimdall\r\nX-Large: ${'a'.repeat(17 * 1024)}\r\n\r\n`), 'HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n')
})

test('clients that send at once are unaffected, before and after slow ones', async (t) => {
  const email = uniqueEmail('quick')
  t.is((await server.client.register(email, TEST_PASSWORD)).statusCode, 200)
  t.is((await server.client.login(email, TEST_PASSWORD)).statusCode, 200)
})
