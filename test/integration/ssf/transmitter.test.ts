// The Shared Signals transmitter (docs/ssf.md) against real servers on every database: the
// configuration metadata, stream management with a client credentials token, poll delivery (RFC 8936:
// acknowledged events are not sent again, the others are), push delivery (RFC 8935) with a retry,
// another instance picking up a stream where the first left it, the CLI, and bad input; and a poll
// receiver written from the specs alone (support/ssf-spec-receiver.ts) reading a logout.
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import test from 'ava'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import { runCli } from '../../support/cli.js'
import { backends } from '../../support/db.js'
import { eventually } from '../../support/eventually.js'
import { oidcServersForFile, type OidcServer } from '../../support/oidc.js'
import { startSecondInstance, startTestServer, TEST_PASSWORD, uniqueEmail } from '../../support/server.js'
import { ssfCall, ssfReceiver } from '../../support/ssf.js'
import { CAEP_SESSION_REVOKED, createPollReceiver, discoverTransmitter, type ReceivedSet } from '../../support/ssf-spec-receiver.js'

// The push receivers listen on 127.0.0.1, which the SSRF guard refuses unless allowed.
const servers = oidcServersForFile({ HEIMDALL_JWT_ALG: 'RS256', HEIMDALL_WEBHOOK_ALLOW_PRIVATE: 'true' })
const SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked'
const POLL = 'urn:ietf:rfc:8936'

async function signedIn(server: OidcServer) {
  const email = uniqueEmail('ssf')
  const { userId } = await server.client.registerAndLogin(email, TEST_PASSWORD)
  const tokens = await server.client.loginTokens(email, TEST_PASSWORD)
  const sid = JSON.parse(Buffer.from(tokens.accessToken.split('.')[1], 'base64url').toString()).sid as string
  return { email, userId, sid, ...tokens }
}

/** The stream's SETs verified against the server's JWKS as a receiver would. */
async function verifiedSets(server: OidcServer, audience: string, sets: Record<string, string>) {
  const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`))
  const out = []
  for (const [jti, set] of Object.entries(sets)) {
    const { payload, protectedHeader } = await jwtVerify(set, jwks, { issuer: server.url, audience, typ: 'secevent+jwt' })
    out.push({ jti, payload: payload as any, header: protectedHeader })
  }
  return out
}

for (const backend of backends()) {
  test(`the configuration metadata names the endpoints; streams are made, read, changed and deleted by their own client only [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const metadata = await ssfCall(server.url, undefined, 'GET', '/.well-known/ssf-configuration')
    t.is(metadata.status, 200)
    t.like(metadata.json, { spec_version: '1_0', issuer: server.url, jwks_uri: `${server.url}/.well-known/jwks.json`, configuration_endpoint: `${server.url}/ssf/stream`, status_endpoint: `${server.url}/ssf/status`, verification_endpoint: `${server.url}/ssf/verify`, default_subjects: 'ALL' })
    t.deepEqual(metadata.json.delivery_methods_supported.sort(), ['urn:ietf:rfc:8935', 'urn:ietf:rfc:8936'])
    t.deepEqual(metadata.json.authorization_schemes, [{ spec_urn: 'urn:ietf:rfc:6749' }])

    const receiver = await ssfReceiver(server)
    const created = await receiver.call('POST', '/ssf/stream', { delivery: { method: POLL }, events_requested: [SESSION_REVOKED, 'https://example.com/unknown'], description: 'billing' })
    t.is(created.status, 201, JSON.stringify(created.json))
    const streamId = created.json.stream_id
    t.like(created.json, { iss: server.url, aud: receiver.clientId, events_delivered: [SESSION_REVOKED], delivery: { method: POLL, endpoint_url: `${server.url}/ssf/poll/${streamId}` }, description: 'billing' })
    t.like((await receiver.call('GET', `/ssf/stream?stream_id=${streamId}`)).json, { stream_id: streamId })
    t.deepEqual((await receiver.call('GET', '/ssf/stream')).json.map((stream: { stream_id: string }) => stream.stream_id), [streamId])
    const patched = await receiver.call('PATCH', '/ssf/stream', { stream_id: streamId, description: 'renamed' })
    t.like(patched.json, { description: 'renamed', events_delivered: [SESSION_REVOKED] })
    t.like((await receiver.call('GET', `/ssf/status?stream_id=${streamId}`)).json, { stream_id: streamId, status: 'enabled' })

    // Another client, a token without the scope, no token, an unknown stream, bad input.
    const other = await ssfReceiver(server)
    t.like(await other.call('GET', `/ssf/stream?stream_id=${streamId}`), { status: 403, json: { code: 'ssf.forbidden' } })
    t.like(await other.call('DELETE', `/ssf/stream?stream_id=${streamId}`), { status: 403, json: { code: 'ssf.forbidden' } })
    t.like(await other.call('POST', `/ssf/poll/${streamId}`, { returnImmediately: true }), { status: 403, json: { code: 'ssf.forbidden' } })
    const unscoped = await ssfReceiver(server, 'user:read')
    t.like(await unscoped.call('GET', '/ssf/stream'), { status: 403, json: { code: 'ssf.forbidden' } })
    t.like(await ssfCall(server.url, undefined, 'GET', '/ssf/stream'), { status: 401, json: { code: 'oauth.invalid_token' } })
    t.like(await ssfCall(server.url, 'not-a-token', 'POST', '/ssf/stream', {}), { status: 401, json: { code: 'oauth.invalid_token' } })
    t.like(await receiver.call('GET', '/ssf/stream?stream_id=00000000-0000-0000-0000-000000000000'), { status: 404, json: { code: 'ssf.stream_not_found' } })
    t.like(await receiver.call('POST', '/ssf/poll/nope', { returnImmediately: true }), { status: 404, json: { code: 'ssf.stream_not_found' } })
    t.like(await receiver.call('POST', '/ssf/stream', '{"delivery":'), { status: 400, json: { code: 'request.malformed_json' } })
    t.like(await receiver.call('POST', '/ssf/stream', { delivery: { method: 'carrier-pigeon' } }), { status: 400, json: { code: 'ssf.invalid_request' } })
    t.like(await receiver.call('POST', '/ssf/stream', { delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: 'file:///etc/passwd' } }), { status: 400, json: { code: 'ssf.invalid_request' } })
    t.like(await receiver.call('POST', '/ssf/stream', [1, 2]), { status: 400, json: { code: 'ssf.invalid_request' } })
    t.like(await receiver.call('POST', `/ssf/poll/${streamId}`, { ack: 'all' }), { status: 400, json: { code: 'ssf.invalid_request' } })
    t.like(await receiver.call('POST', `/ssf/poll/${streamId}`, { maxEvents: -1 }), { status: 400, json: { code: 'ssf.invalid_request' } })
    t.like(await receiver.call('POST', '/ssf/status', { stream_id: streamId, status: 'asleep' }), { status: 400, json: { code: 'ssf.invalid_request' } })

    for (const [method, path, body] of [['PATCH', '/ssf/stream', { description: 'no id' }], ['PUT', '/ssf/stream', 'null'], ['GET', '/ssf/status', undefined], ['DELETE', '/ssf/stream', undefined], ['POST', `/ssf/poll/${streamId}`, '"x"'], ['PATCH', '/ssf/stream', { stream_id: streamId, events_requested: 'all' }],
      // Present means of its type (null is not absent), and a malformed body is 400 whatever stream it names.
      ['POST', `/ssf/poll/${streamId}`, 'null'], ['POST', `/ssf/poll/${streamId}`, { ack: null }], ['POST', '/ssf/status', { stream_id: streamId, status: 'paused', reason: 42 }],
      ['PATCH', '/ssf/stream', { stream_id: '00000000-0000-0000-0000-000000000000', description: 42 }], ['POST', '/ssf/verify', { stream_id: '00000000-0000-0000-0000-000000000000', state: 7 }]] as const) {
      const answer = await receiver.call(method, path, body)
      t.is(answer.status, 400, `${method} ${path} ${JSON.stringify(answer.json)}`)
      t.is(answer.json.code, 'ssf.invalid_request')
    }
    t.is((await receiver.call('DELETE', `/ssf/stream?stream_id=${streamId}`)).status, 204)
    t.like(await receiver.call('GET', `/ssf/stream?stream_id=${streamId}`), { status: 404, json: { code: 'ssf.stream_not_found' } })

    // A deleted client takes its streams with it.
    const { json: kept } = await other.call('POST', '/ssf/stream', {})
    t.is((await runCli(['client:delete', other.clientId], { env: server.env })).code, 0)
    t.is(await server.context.db('ssf_streams').where({ id: kept.stream_id }).first(), undefined)
    t.like(await other.call('GET', '/ssf/stream'), { status: 401, json: { code: 'oauth.invalid_token' } })
  })

  test(`poll: a logout becomes a signed session-revoked SET; sent again until acknowledged, never after; a second instance continues the stream [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const receiver = await ssfReceiver(server)
    const { json: stream } = await receiver.call('POST', '/ssf/stream', {})
    const poll = (body: object) => receiver.call('POST', `/ssf/poll/${stream.stream_id}`, { returnImmediately: true, ...body })

    const user = await signedIn(server)
    await server.client.logout(user.accessToken)
    const first = await poll({})
    t.is(first.status, 200, JSON.stringify(first.json))
    const [set] = (await verifiedSets(server, receiver.clientId, first.json.sets)).filter((one) => one.payload.sub_id.user?.sub === user.userId)
    t.truthy(set, JSON.stringify(first.json))
    t.is(set.header.typ, 'secevent+jwt')
    t.is(set.payload.jti, set.jti)
    t.truthy(set.payload.txn)
    t.deepEqual(set.payload.sub_id, { format: 'complex', user: { format: 'iss_sub', iss: 'heimdall', sub: user.userId }, session: { format: 'opaque', id: user.sid } })
    t.is(set.payload.events[SESSION_REVOKED].initiating_entity, 'user')
    t.true(Math.abs(set.payload.events[SESSION_REVOKED].event_timestamp - Date.now() / 1000) < 60)

    // Not acknowledged: sent again. Acknowledged: never again.
    t.true(set.jti in (await poll({})).json.sets)
    const acked = await poll({ ack: Object.keys(first.json.sets) })
    t.false(set.jti in acked.json.sets)
    t.false(set.jti in (await poll({})).json.sets)

    // A logout-all while a long poll waits: the poll answers with it. Then another instance (its own
    // process state, the same database: a restart, or a failover) serves the stream from where it was.
    const everywhere = await signedIn(server)
    const waiting = receiver.call('POST', `/ssf/poll/${stream.stream_id}`, { ack: Object.keys(acked.json.sets), returnImmediately: false })
    await server.client.logoutAll(everywhere.accessToken)
    const logoutAllIn = async (answer: { json: any }) => (await verifiedSets(server, receiver.clientId, answer.json.sets)).find((one) => one.payload.sub_id.sub === everywhere.userId)
    let woken = await waiting
    let all = await logoutAllIn(woken)
    // The long poll answers with the first event committed while it waits: a revocation of this
    // file's other tests (concurrent, on this server) may come first; the next long poll, acknowledging
    // it, has the logout-all.
    for (let round = 0; all === undefined && round < 5; round++) {
      woken = await receiver.call('POST', `/ssf/poll/${stream.stream_id}`, { ack: Object.keys(woken.json.sets), returnImmediately: false })
      all = await logoutAllIn(woken)
    }
    t.like(all?.payload.sub_id, { format: 'iss_sub', sub: everywhere.userId })

    // A verification event (SSF 1.0 section 8.1.4): asked for, sent with the state, gone once acknowledged.
    t.is((await receiver.call('POST', '/ssf/verify', { stream_id: stream.stream_id, state: 'are-you-there' })).status, 204)
    const verifying = await poll({ ack: Object.keys(woken.json.sets) })
    const verification = (await verifiedSets(server, receiver.clientId, verifying.json.sets)).find((one) => 'https://schemas.openid.net/secevent/ssf/event-type/verification' in one.payload.events)
    t.deepEqual(verification?.payload.events['https://schemas.openid.net/secevent/ssf/event-type/verification'].state, 'are-you-there')
    t.deepEqual(verification?.payload.sub_id, { format: 'opaque', id: stream.stream_id })
    await poll({ ack: [verification!.jti], maxEvents: 0 })
    t.false(verification!.jti in (await poll({})).json.sets)

    const later = await signedIn(server)
    await server.client.logout(later.accessToken)
    const second = await startSecondInstance(server)
    try {
      const resumed = await ssfCall(second.url, receiver.token, 'POST', `/ssf/poll/${stream.stream_id}`, { ack: Object.keys(woken.json.sets), returnImmediately: true })
      const subjects = (await verifiedSets(server, receiver.clientId, resumed.json.sets)).map((one) => one.payload.sub_id.user?.sub ?? one.payload.sub_id.sub)
      t.true(subjects.includes(later.userId))
      t.false(subjects.includes(everywhere.userId))
    } finally {
      await second.close()
    }
  })

  test(`a receiver written from the specs, not from Heimdall's code (support/ssf-spec-receiver.ts), finds the transmitter from its issuer, makes a poll stream, reads a logout's CAEP session-revoked SET from the poll endpoint verified against the JWKS the metadata names, and acknowledges it: never delivered again; expecting another audience, it refuses them and reports them in setErrs [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const { clientId, token } = await ssfReceiver(server)
    const metadata = await discoverTransmitter(server.url)
    const receiver = createPollReceiver(metadata, { accessToken: token, audience: clientId })
    const stream = await receiver.createStream([CAEP_SESSION_REVOKED])
    t.deepEqual(stream.eventsDelivered, [CAEP_SESSION_REVOKED])

    const user = await signedIn(server)
    await server.client.logout(user.accessToken)
    // The stream starts one token lifetime back: the file's other tests' revocations come too, in order.
    let ours: ReceivedSet | undefined
    const refused: Record<string, string> = {}
    const deadline = performance.now() + 15_000
    while (ours === undefined && performance.now() < deadline) {
      const answer = await receiver.poll(stream.pollUrl, { maxEvents: 100, returnImmediately: false })
      Object.assign(refused, answer.refused)
      ours = answer.sets.find((set) => set.payload.sub_id?.session?.id === user.sid)
    }
    t.deepEqual(refused, {}, 'every SET verified')
    if (!ours) return t.fail('no SET for the logout within 15 s')
    t.is(ours.header.typ, 'secevent+jwt')
    t.is(ours.payload.iss, server.url)
    t.is(ours.payload.aud, clientId)
    t.like(ours.payload.sub_id, { user: { sub: user.userId }, session: { id: user.sid } })
    t.deepEqual(Object.keys(ours.payload.events), [CAEP_SESSION_REVOKED])
    t.is(typeof ours.payload.events[CAEP_SESSION_REVOKED]!.event_timestamp, 'number')

    // Acknowledged on the next poll (RFC 8936 section 2.2); after that, not delivered again.
    const acknowledging = await receiver.poll(stream.pollUrl, { maxEvents: 1000, returnImmediately: true })
    t.true(acknowledging.acknowledged.includes(ours.jti))
    t.false(acknowledging.sets.some((set) => set.jti === ours!.jti))
    const later = await receiver.poll(stream.pollUrl, { maxEvents: 1000, returnImmediately: true })
    t.false(later.sets.some((set) => set.jti === ours!.jti))
    t.deepEqual({ ...acknowledging.refused, ...later.refused }, {})

    // The same receiver expecting another audience refuses the same SETs (RFC 8417 aud), and its
    // report of them in setErrs (RFC 8936 section 2.6) ends their delivery as an acknowledgement does.
    const wary = createPollReceiver(metadata, { accessToken: token, audience: 'another-receiver' })
    const own = await wary.createStream([CAEP_SESSION_REVOKED])
    const first = await wary.poll(own.pollUrl, { maxEvents: 1000, returnImmediately: true })
    t.deepEqual(first.sets, [])
    t.true(ours.jti in first.refused)
    t.regex(first.refused[ours.jti]!, /aud/)
    const reported = await wary.poll(own.pollUrl, { maxEvents: 1000, returnImmediately: true })
    t.false(ours.jti in reported.refused, 'a SET reported in setErrs is not delivered again')
  })

  test(`push: SETs are POSTed to the endpoint with its Authorization header; a refusal is retried; the CLI lists and deletes the stream (audited) [${backend}]`, async (t) => {
    const server = servers.get(backend)!
    const received: Array<{ auth?: string; type?: string; body: string }> = []
    let refuseNext = true
    const endpoint = createServer((req: IncomingMessage, res) => {
      let body = ''
      req.on('data', (chunk) => (body += chunk))
      req.on('end', () => {
        if (refuseNext) {
          refuseNext = false
          res.writeHead(503).end()
          return
        }
        received.push({ auth: req.headers.authorization, type: req.headers['content-type'], body })
        res.writeHead(202).end()
      })
    })
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve))
    try {
      const receiver = await ssfReceiver(server)
      const url = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/events`
      const created = await receiver.call('POST', '/ssf/stream', { delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: url, authorization_header: 'Bearer receiver-secret' } })
      t.is(created.status, 201)
      t.false(JSON.stringify(created.json).includes('receiver-secret'))
      const row = await server.context.db('ssf_streams').where({ id: created.json.stream_id }).first()
      t.false(JSON.stringify(row).includes('receiver-secret'))

      const user = await signedIn(server)
      await server.client.logout(user.accessToken)
      // The stream starts one token lifetime back: the file's other tests' logouts come too.
      const subjectOf = (body: string) => JSON.parse(Buffer.from(body.split('.')[1], 'base64url').toString()).sub_id.user?.sub
      const seen = await eventually(async () => received.some((one) => subjectOf(one.body) === user.userId), 10_000)
      t.truthy(seen, 'the SET was pushed after the refusal')
      // Once the endpoint takes them, a SET follows its event within a push interval (a second for test
      // servers, test/support/server.ts) and a send.
      const next = await signedIn(server)
      await server.client.logout(next.accessToken)
      const pushedWithin = await eventually(async () => received.some((one) => subjectOf(one.body) === next.userId), 5000)
      t.truthy(pushedWithin)
      t.log(`after a refusal and its backoff: ${Math.round(seen!)} ms; then ${Math.round(pushedWithin!)} ms from logout to receiver`)
      const ours = received.find((one) => subjectOf(one.body) === user.userId)!
      t.is(ours.auth, 'Bearer receiver-secret')
      t.is(ours.type, 'application/secevent+jwt')
      const [set] = await verifiedSets(server, receiver.clientId, { x: ours.body })
      t.is(set.payload.sub_id.user.sub, user.userId)

      const listed = await runCli(['stream:list', '--json'], { env: server.env })
      t.is(listed.code, 0, listed.stderr)
      t.true(JSON.parse(listed.stdout).some((one: { stream_id: string; client_id: string }) => one.stream_id === created.json.stream_id && one.client_id === receiver.clientId))
      const deleted = await runCli(['stream:delete', created.json.stream_id, '--json'], { env: server.env })
      t.is(deleted.code, 0, deleted.stderr)
      t.like(await receiver.call('GET', `/ssf/stream?stream_id=${created.json.stream_id}`), { status: 404 })
      t.truthy(await server.context.db('audit_events').where({ type: 'ssf.stream_deleted' }).where('detail', 'like', `%${created.json.stream_id}%`).first())
      t.not((await runCli(['stream:delete', created.json.stream_id], { env: server.env })).code, 0)
    } finally {
      endpoint.close()
    }
  })
}

test('with HS256 there is no published key to sign with: the configuration endpoint answers 404 saying what to set [sqlite]', async (t) => {
  const hs256 = await startTestServer('sqlite')
  try {
    const answer = await ssfCall(hs256.url, undefined, 'GET', '/.well-known/ssf-configuration')
    t.is(answer.status, 404)
    t.is(answer.json.code, 'ssf.disabled')
    t.regex(answer.json.error, /HEIMDALL_JWT_ALG must be RS256 or EdDSA/)
  } finally {
    await hs256.close()
  }
})
