// A client that hangs up mid-body (fewer bytes than its Content-Length, then FIN or a reset) or
// sends a malformed chunked body is the client's fault: one info line "request aborted by the
// client", its access line and metric with a 4xx, and no outage ("database unavailable"), no
// "unexpected error", no 5xx anywhere (docs/observability.md). Every kind of door that reads a body:
// the JSON API (the validation hot path too), the OAuth form endpoint, the pages' forms, the OpenID
// provider's endpoints and the form POST it turns into a GET. Raw sockets: no HTTP client sends a
// body shorter than it says.
import { connect } from 'node:net'
import test from 'ava'
import { backends } from '../../support/db.js'
import { eventually } from '../../support/eventually.js'
import { loggedOidcServersForFile } from '../../support/oidc.js'

const servers = loggedOidcServersForFile()


const JSON_TYPE = 'application/json'
const FORM = 'application/x-www-form-urlencoded'
const DOORS: Array<{ path: string; type: string }> = [
  { path: '/auth/login', type: JSON_TYPE },
  { path: '/auth/register', type: JSON_TYPE },
  { path: '/auth/refresh', type: JSON_TYPE },
  { path: '/auth/validate', type: JSON_TYPE },
  { path: '/auth/password/forgot', type: JSON_TYPE },
  { path: '/oauth/introspect', type: FORM },
  { path: '/account/login', type: FORM },
  { path: '/account/forgot-password', type: FORM },
  { path: '/account/oidc/consent', type: FORM },
  { path: '/oidc/token', type: FORM },
  { path: '/oidc/device/auth', type: FORM },
  { path: '/oidc/auth', type: FORM },
]

type Abort = 'short body, then FIN' | 'short body, then reset' | 'malformed chunk'

/** Sends the start of a request and hangs up as `how` says; resolves when the connection is closed. */
function abortedRequest(url: string, path: string, type: string, how: Abort): Promise<void> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => {
      const head = `POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: ${type}\r\n`
      if (how === 'malformed chunk') return void socket.write(`${head}Transfer-Encoding: chunked\r\n\r\nzz\r\n{"a"\r\n`)
      socket.write(`${head}Content-Length: 100\r\n\r\n{"a"`)
      // Once the server has the headers and the first bytes (it answers nothing until the body is whole).
      setTimeout(() => (how === 'short body, then reset' ? socket.resetAndDestroy() : socket.end()), 100)
    })
    socket.on('error', () => undefined)
    socket.on('close', () => resolve())
    socket.resume()
  })
}

const entriesOf = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, unknown>)

for (const backend of backends()) {
  test(`an aborted or malformed request body is logged as the client's (info), raises no outage and counts no 5xx, on every kind of door [${backend}]`, async (t) => {
    const { server, logLines } = servers.get(backend)!
    const hows: Abort[] = ['short body, then FIN', 'short body, then reset', 'malformed chunk']
    for (const how of hows) {
      for (const door of DOORS) await abortedRequest(server.url, door.path, door.type, how)
    }
    const accessLines = () => entriesOf(logLines).filter((entry) => entry.msg === 'request' && DOORS.some((door) => door.path === entry.path))
    await eventually(async () => accessLines().length >= DOORS.length * hows.length, 10_000)
    const entries = entriesOf(logLines)

    for (const door of DOORS) {
      const lines = accessLines().filter((entry) => entry.path === door.path)
      t.is(lines.length, hows.length, `${door.path}: one access line per request`)
      for (const line of lines) t.true(Number(line.status) >= 400 && Number(line.status) < 500, `${door.path}: ${String(line.status)}`)
    }
    const aborts = entries.filter((entry) => entry.msg === 'request aborted by the client')
    t.true(aborts.every((entry) => entry.level === 30), 'at info')
    for (const door of DOORS) {
      t.true(aborts.some((entry) => entry.path === door.path), `${door.path}: said to be the client's doing`)
    }
    t.deepEqual(entries.filter((entry) => Number(entry.level) >= 40).map((entry) => `${String(entry.msg)} ${JSON.stringify(entry.err ?? '').slice(0, 120)}`), [], 'no warning, no error: no outage, no unexpected error')

    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    t.deepEqual(metrics.split('\n').filter((line) => line.startsWith('heimdall_http_requests_total') && /status="5\d\d"/.test(line)), [], 'no 5xx counted')
    t.is((await fetch(`${server.url}/ready`)).status, 200, 'the database is not taken for gone')
  })
}
