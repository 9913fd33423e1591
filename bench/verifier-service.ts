// A service in front of Heimdall, one process, Koa: what bench/local-verify.ts drives beside Heimdall's
// own POST /auth/validate. BENCH_VERIFY=local (default): it verifies the Bearer token itself with
// @heimdall/verify (packages/verify: koaMiddleware, revocations from Heimdall's Shared Signals stream, a
// poll stream of its own every 500 ms). BENCH_VERIFY=remote: it asks Heimdall, POST /auth/validate for
// every request over keep-alive connections (node:http), as a service without the package would.
// BENCH_VERIFY=local-uncached: as local, with the package's cache of verified tokens off
// (cacheMaxEntries 0: every request checks the signature), to show what a cache miss costs.
// Either way it answers the verification as JSON (401 when refused).
// Usage: BENCH_HEIMDALL_URL=http://127.0.0.1:PORT BENCH_CLIENT_ID=... BENCH_CLIENT_SECRET=... node dist/bench/verifier-service.js
// Prints "listening on URL" once it can verify (local: the stream's first poll has answered).
import { Agent, createServer, request } from 'node:http'
import Koa from 'koa'
import { createStreamRevocations, createVerifier, koaMiddleware, type Validation } from '../packages/verify/src/index.js'

const heimdall = process.env.BENCH_HEIMDALL_URL!
const clientId = process.env.BENCH_CLIENT_ID!
const clientSecret = process.env.BENCH_CLIENT_SECRET!

let cached: { token: string; until: number } | undefined
/** A client credentials token with the ssf scope, fetched again a minute before it expires. */
async function accessToken(): Promise<string> {
  if (cached && cached.until > Date.now()) return cached.token
  const response = await fetch(`${heimdall}/oidc/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'ssf' }).toString(),
  })
  const answer = (await response.json()) as { access_token?: string; expires_in?: number }
  if (!answer.access_token) throw new Error(`no ssf token from ${heimdall}: ${JSON.stringify(answer)}`)
  cached = { token: answer.access_token, until: Date.now() + Math.max(0, (answer.expires_in ?? 600) - 60) * 1000 }
  return cached.token
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 })
/** Heimdall's answer to POST /auth/validate for `token`. */
function validateAtHeimdall(token: string): Promise<Validation> {
  const body = JSON.stringify({ token })
  return new Promise((resolve, reject) => {
    const outgoing = request(`${heimdall}/auth/validate`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Validation))
      response.on('error', reject)
    })
    outgoing.on('error', reject)
    outgoing.end(body)
  })
}

const app = new Koa()
let revocations: ReturnType<typeof createStreamRevocations> | undefined
if (process.env.BENCH_VERIFY === 'remote') {
  app.use(async (ctx) => {
    const token = /^Bearer (.+)$/.exec(ctx.get('authorization'))?.[1] ?? ''
    const validation = await validateAtHeimdall(token)
    ctx.status = validation.is_valid ? 200 : 401
    ctx.body = validation
  })
} else {
  const jwksUri = `${heimdall}/.well-known/jwks.json`
  revocations = createStreamRevocations({ transmitterConfigUrl: `${heimdall}/.well-known/ssf-configuration`, accessToken, jwksUri, issuer: heimdall, audience: clientId })
  const verifier = createVerifier({ jwksUri, issuer: 'heimdall', revocations, ...(process.env.BENCH_VERIFY === 'local-uncached' ? { cacheMaxEntries: 0 } : {}) })
  app.use(koaMiddleware(verifier))
  app.use((ctx) => {
    ctx.body = ctx.state.heimdall as Validation
  })
  // The stream's timers are unref'd: something must hold the process until its first poll answers.
  const waiting = setInterval(() => console.error(`waiting for the stream: ${revocations?.unavailable()}`), 5000)
  await revocations.ready
  clearInterval(waiting)
}
const server = createServer(app.callback())

await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
console.log(`listening on http://127.0.0.1:${(server.address() as { port: number }).port}`)

process.on('SIGTERM', () => {
  server.close()
  // The stream it made goes with it.
  void (revocations?.close() ?? Promise.resolve()).finally(() => process.exit(0))
})
