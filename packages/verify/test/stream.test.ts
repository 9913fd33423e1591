// @heimdall/verify's stream client against a real Heimdall (RS256, SQLite: the transmitter's own
// tests run on every database, test/integration/ssf/). A Koa service and an Express 5 service verify
// locally; for each kind of revocation both refuse the token within 1 s at the default
// poll interval, with no request to Heimdall per verification. A restart between revocation and poll
// loses nothing, a silent stream fails closed with its reason, a forged SET is refused.
import { createServer, type Server } from 'node:http'
import { generateKeyPairSync } from 'node:crypto'
import test from 'ava'
import express from 'express'
import Koa from 'koa'
import { SignJWT } from 'jose'
import { createStreamRevocations, createVerifier, expressMiddleware, koaMiddleware, type StreamRevocations, type Validation, type Verifier } from '../src/index.js'
import { startOidcServer, type OidcServer } from '../../../test/support/oidc.js'
import { startSecondInstance, TEST_PASSWORD, uniqueEmail } from '../../../test/support/server.js'
import { runCli } from '../../../test/support/cli.js'
import { eventually } from '../../../test/support/eventually.js'
import { startSmtpServer, type TestSmtpServer } from '../../../test/support/smtp.js'
import { linkMail, SUBJECTS } from '../../../test/support/mail-links.js'
import { sample } from '../../../test/support/prometheus.js'
import { letTimePass } from '../../../test/support/let-time-pass.js'
import { ssfReceiver, type SsfReceiver } from '../../../test/support/ssf.js'

let server: OidcServer
let smtp: TestSmtpServer
let receiver: SsfReceiver
let revocations: StreamRevocations
let verifier: Verifier
const services: Record<'koa' | 'express', string> = { koa: '', express: '' }
const listening: Server[] = []

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const http = createServer(handler)
  listening.push(http)
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(http.address() as { port: number }).port}`
}

test.before(async () => {
  smtp = await startSmtpServer()
  server = await startOidcServer('sqlite', { HEIMDALL_JWT_ALG: 'RS256', HEIMDALL_SMTP_URL: smtp.url, HEIMDALL_MAIL_POLL_MS: '100', HEIMDALL_RATE_LIMIT_PER_MINUTE: '0' })
  receiver = await ssfReceiver(server)
  const jwksUri = `${server.url}/.well-known/jwks.json`
  // Defaults: poll every 500 ms, fail closed after 30 s of silence.
  revocations = createStreamRevocations({ transmitterConfigUrl: `${server.url}/.well-known/ssf-configuration`, accessToken: receiver.token, jwksUri, issuer: server.url, audience: receiver.clientId })
  verifier = createVerifier({ jwksUri, issuer: 'heimdall', revocations })
  const app = new Koa()
  app.use(koaMiddleware(verifier))
  app.use((ctx) => {
    ctx.body = { user: (ctx.state.heimdall as Validation).user_id }
  })
  services.koa = await listen(app.callback())
  const api = express()
  api.use(expressMiddleware(verifier))
  api.get('/', (req, res) => {
    res.json({ user: req.heimdall!.user_id })
  })
  services.express = await listen(api)
  await revocations.ready
})

test.after.always(async () => {
  await revocations?.close()
  for (const http of listening) http.close()
  await server?.close()
  await smtp?.close()
})

async function signedIn() {
  const email = uniqueEmail('stream')
  await server.client.register(email, TEST_PASSWORD)
  const tokens = await server.client.loginTokens(email, TEST_PASSWORD)
  const sid = JSON.parse(Buffer.from(tokens.accessToken.split('.')[1], 'base64url').toString()).sid as string
  return { email, sid, ...tokens }
}

async function statusAt(url: string, token: string): Promise<{ status: number; code?: string }> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
  const body = (await response.json()) as { code?: string | null }
  return { status: response.status, code: body.code ?? undefined }
}

const REVOCATIONS: Record<string, (user: Awaited<ReturnType<typeof signedIn>>) => Promise<unknown>> = {
  logout: (user) => server.client.logout(user.accessToken),
  'logout-all': (user) => server.client.logoutAll(user.accessToken),
  'session:revoke': (user) => runCli(['session:revoke', user.sid], { env: server.env }),
  'user:disable': (user) => runCli(['user:disable', user.email], { env: server.env }),
  'a password reset': async (user) => {
    await fetch(`${server.url}/auth/password/forgot`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: user.email }) })
    const { token } = await linkMail(smtp, user.email, SUBJECTS.reset)
    const reset = await fetch(`${server.url}/auth/password/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, new_password: `${TEST_PASSWORD}-new` }) })
    if (reset.status !== 200) throw new Error(`reset answered ${reset.status}`)
  },
  'a refresh-token reuse': async (user) => {
    const first = await server.client.refresh(user.refreshToken)
    if (first.statusCode !== 200) throw new Error(`refresh answered ${first.statusCode}`)
    await server.client.refresh(user.refreshToken)
  },
}

for (const [kind, revoke] of Object.entries(REVOCATIONS)) {
  test.serial(`${kind}: the Koa and the Express service refuse the token within 1 s at the default poll interval`, async (t) => {
    const user = await signedIn()
    for (const url of Object.values(services)) t.is((await statusAt(url, user.accessToken)).status, 200)
    // Before the link is mailed, the reset's own wait is not the stream's: the clock starts when the revocation is done.
    await revoke(user)
    const started = performance.now()
    const refused = await eventually(async () => {
      const answers = await Promise.all(Object.values(services).map((url) => statusAt(url, user.accessToken)))
      return answers.every((answer) => answer.status === 401 && answer.code === 'session.revoked')
    }, 1000)
    t.truthy(refused, `${kind} not seen within 1 s`)
    t.log(`${kind}: refused after ${Math.round(performance.now() - started)} ms`)
  })
}

test.serial('verifications make no request to Heimdall: only the stream polls it', async (t) => {
  const user = await signedIn()
  const requests = async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text()
    let total = 0
    for (const line of text.split('\n')) {
      if (!line.startsWith('heimdall_http_requests_total{') || line.includes('route="/ssf/poll/:streamId"') || line.includes('route="/metrics"')) continue
      total += Number(line.split(' ').at(-1))
    }
    return total
  }
  t.true((await statusAt(services.koa, user.accessToken)).status === 200)
  const before = await requests()
  for (let i = 0; i < 100; i++) {
    const url = i % 2 === 0 ? services.koa : services.express
    t.is((await statusAt(url, user.accessToken)).status, 200)
  }
  t.is(await requests(), before, 'requests at Heimdall other than polls during 100 verifications')
  t.truthy(sample(await (await fetch(`${server.url}/metrics`)).text(), 'heimdall_http_requests_total', { method: 'POST', route: '/ssf/poll/:streamId', status: '200' }))
})

test.serial('Heimdall restarted between a revocation and the poll, and a verifier started after it: the revocation is still delivered; a stream silent past the bound fails closed with its reason', async (t) => {
  // The revocation happens before the receiver and its stream exist, and while the instance it will
  // poll is not running: the event table holds it, and a new stream starts a token lifetime back.
  const user = await signedIn()
  await server.client.logout(user.accessToken)
  const own = await ssfReceiver(server)
  const { json: stream } = await own.call('POST', '/ssf/stream', {})
  const restarted = await startSecondInstance(server)
  const jwksUri = `${server.url}/.well-known/jwks.json`
  const fed = createStreamRevocations({ pollUrl: `${restarted.url}/ssf/poll/${stream.stream_id}`, accessToken: async () => own.token, jwksUri, issuer: server.url, audience: own.clientId, maxStalenessMs: 1500 })
  try {
    const local = createVerifier({ jwksUri, issuer: 'heimdall', revocations: fed })
    await fed.ready
    t.like(await local.verify(user.accessToken), { is_valid: false, code: 'session.revoked' })
    const other = await signedIn()
    t.like(await local.verify(other.accessToken), { is_valid: true })

    await restarted.close()
    const failed = await eventually(async () => (await local.verify(other.accessToken)).code === 'verifier.unavailable', 5000)
    t.truthy(failed)
    const answer = await local.verify(other.accessToken)
    t.regex(answer.error ?? '', /Revocation stream silent for \d+ s \(bound 2 s\)/)
    t.truthy(fed.unavailable())
  } finally {
    fed.close()
  }
})

test.serial('a forged SET (not signed by Heimdall) is refused, reported in setErrs, and revokes nothing', async (t) => {
  const user = await signedIn()
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const forged = await new SignJWT({ jti: 'forged-1', sub_id: { format: 'iss_sub', iss: 'heimdall', sub: JSON.parse(Buffer.from(user.accessToken.split('.')[1], 'base64url').toString()).sub }, events: { 'https://schemas.openid.net/secevent/caep/event-type/session-revoked': { event_timestamp: Math.floor(Date.now() / 1000) + 60 } } })
    .setProtectedHeader({ alg: 'RS256', typ: 'secevent+jwt', kid: 'attacker' })
    .setIssuer(server.url)
    .setAudience('me')
    .setIssuedAt()
    .sign(privateKey)
  const bodies: Array<{ setErrs?: Record<string, unknown> }> = []
  const fake = await listen((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      bodies.push(JSON.parse(body))
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ sets: bodies.length === 1 ? { 'forged-1': forged } : {}, moreAvailable: false }))
    })
  })
  const jwksUri = `${server.url}/.well-known/jwks.json`
  const fed = createStreamRevocations({ pollUrl: `${fake}/poll`, accessToken: 'x', jwksUri, issuer: server.url, audience: 'me', intervalMs: 50 })
  try {
    await fed.ready
    t.truthy(await eventually(async () => bodies.some((body) => body.setErrs && 'forged-1' in body.setErrs), 3000))
    const local = createVerifier({ jwksUri, issuer: 'heimdall', revocations: fed })
    t.like(await local.verify(user.accessToken), { is_valid: true })
  } finally {
    fed.close()
  }
})

test.serial('a replayed SET (a genuine one, delivered again later) is acknowledged and revokes nothing issued since its event', async (t) => {
  const user = await signedIn()
  const created = await receiver.call('POST', '/ssf/stream', { delivery: { method: 'urn:ietf:rfc:8936' }, events_requested: ['https://schemas.openid.net/secevent/caep/event-type/session-revoked'] })
  t.is(created.status, 201)
  const pollPath = new URL(created.json.delivery.endpoint_url).pathname
  try {
    t.is((await server.client.logoutAll(user.accessToken)).statusCode, 204)
    // The logout-all's SET, as Heimdall signed it, captured from a poll stream of the test's own.
    const subjectOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString())
    let captured: [string, string] | undefined
    await eventually(async () => {
      const answer = await receiver.call('POST', pollPath, { returnImmediately: true })
      captured ??= Object.entries((answer.json.sets ?? {}) as Record<string, string>).find(([, token]) => subjectOf(token).sub_id?.sub === subjectOf(user.accessToken).sub)
      return captured !== undefined
    }, 5000)
    t.truthy(captured, 'the logout-all reached the poll stream')
    const [jti, set] = captured!
    await letTimePass(1100, 'iat and event_timestamp are whole seconds: the next sign-in must be issued a second after the logout-all')
    const since = await server.client.loginTokens(user.email, TEST_PASSWORD)

    // A poll endpoint that hands the same SET over again and again, as a replay would.
    const bodies: Array<{ ack?: string[]; setErrs?: Record<string, unknown> }> = []
    const replaying = await listen((req, res) => {
      let body = ''
      req.on('data', (chunk) => (body += chunk))
      req.on('end', () => {
        bodies.push(JSON.parse(body))
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ sets: bodies.length <= 3 ? { [jti]: set } : {}, moreAvailable: false }))
      })
    })
    const jwksUri = `${server.url}/.well-known/jwks.json`
    const fed = createStreamRevocations({ pollUrl: `${replaying}/poll`, accessToken: 'x', jwksUri, issuer: server.url, audience: receiver.clientId, intervalMs: 50 })
    try {
      t.truthy(await eventually(async () => bodies.filter((body) => body.ack?.includes(jti)).length >= 3, 5000), 'each delivery of it was acknowledged')
      t.false(bodies.some((body) => body.setErrs && jti in body.setErrs), 'a genuine SET is not an error, however often it comes')
      const local = createVerifier({ jwksUri, issuer: 'heimdall', revocations: fed })
      t.like(await local.verify(user.accessToken), { is_valid: false }, 'the token of the revoked session stays refused')
      t.like(await local.verify(since.accessToken), { is_valid: true }, 'a token issued after the event is not revoked by the SET coming again')
    } finally {
      await fed.close()
    }
  } finally {
    await receiver.call('DELETE', `/ssf/stream?stream_id=${encodeURIComponent(created.json.stream_id)}`)
  }
})
