// Every spelling of a request under the issuer path (/oidc) is answered by the provider's mount
// without a 5xx: a query right after the mount point (/oidc?x, once handed to the provider without
// its leading "/"), doubled slashes, dot segments, bad percent-encodings, any method. Nothing goes to
// stderr past Heimdall's logger, and every probe leaves its access line with its request id. Raw
// HTTP over a socket: fetch would normalise these request targets before sending them.
import { connect } from 'node:net'
import test from 'ava'
import { backends } from '../../support/db.js'
import { eventually } from '../../support/eventually.js'
import { loggedOidcServersForFile } from '../../support/oidc.js'

const servers = loggedOidcServersForFile()


const TARGETS = [
  '/oidc?x',
  '/oidc?',
  '/oidc?%',
  '/oidc/?x',
  '/oidc',
  '/oidc/',
  '//oidc',
  '//oidc/auth',
  '/oidc//auth',
  '/oidc/%2e%2e/',
  '/oidc/%2e%2e/auth',
  '/oidc/../account',
  '/oidc/%',
  '/oidc/%zz',
  '/oidc/auth/%',
  '/oidc/token?',
  '/oidc/jwks?',
  '/oidc/.well-known/openid-configuration?%',
  '/OIDC?x',
  '/oidc;x',
]
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'FOO']

/** The status line and request id of the answer to one raw request (the connection closes after it). */
function rawRequest(url: string, method: string, target: string): Promise<{ status: number; requestId: string | undefined }> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`${method} ${target} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`)
    })
    let answer = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => (answer += chunk))
    socket.on('error', reject)
    socket.on('close', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0), requestId: /\r\nx-request-id: ([^\r]+)/i.exec(answer)?.[1] }))
  })
}

for (const backend of backends()) {
  // Serial: stderr is watched while the probes run, and another test's output would land in it.
  test.serial(`no request target or method under /oidc answers 5xx; nothing reaches stderr past the logger [${backend}]`, async (t) => {
    const { server, logLines } = servers.get(backend)!
    const printed: string[] = []
    const write = process.stderr.write.bind(process.stderr)
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      printed.push(String(chunk))
      return write(chunk, ...rest)
    }) as typeof process.stderr.write
    const answers: Array<{ label: string; status: number; requestId: string | undefined }> = []
    try {
      for (const method of METHODS) {
        for (const target of TARGETS) answers.push({ label: `${method} ${target}`, ...(await rawRequest(server.url, method, target)) })
      }
    } finally {
      process.stderr.write = write
    }
    for (const { label, status } of answers) t.true(status >= 200 && status < 500, `${label}: ${status}`)
    t.deepEqual(printed.filter((text) => !text.includes('Unsupported runtime')), [], "nothing printed past Heimdall's logger")
    const logged = (id: string | undefined) => logLines.some((line) => line.includes(`"req_id":"${id}"`) && line.includes('"msg":"request"'))
    // An unknown method (FOO) is refused with 400 by Node's HTTP parser, before any listener runs.
    const served = answers.filter((answer) => !answer.label.startsWith('FOO '))
    t.true(answers.filter((answer) => answer.label.startsWith('FOO ')).every((answer) => answer.status === 400))
    await eventually(async () => served.every((answer) => logged(answer.requestId)), 5000)
    t.deepEqual(served.filter((answer) => !logged(answer.requestId)).map(({ label, requestId }) => `${label} ${requestId}`), [], 'every probe has its access line, with its request id')
    t.false(logLines.some((line) => /"level":50/.test(line)), 'no error logged')
  })
}
