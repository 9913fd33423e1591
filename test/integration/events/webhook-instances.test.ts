import type { ExecutionContext } from 'ava'
import { runCli } from '../../support/cli.js'
import { eventually } from '../../support/eventually.js'
import { serve, type Served } from '../../support/serve-process.js'
import { isolatedServerTest, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'
import { startWebhookReceiver, type WebhookReceiver } from '../../support/webhook-receiver.js'

// Delivery by real `heimdall serve` processes sharing one database (issue 24): a kill -9 in the middle
// of a delivery loses no event, and two instances deliver each event once. The test's own server only
// queues (HEIMDALL_WEBHOOK_DELIVER=false): the spawned processes are the only deliverers. Isolated: each
// test counts every delivery of its database.

const QUEUE_ONLY = { HEIMDALL_WEBHOOK_DELIVER: 'false', HEIMDALL_WEBHOOK_ALLOW_PRIVATE: 'true' }
/** A one-second timeout makes a lease of three: a killed deliverer's delivery is taken over soon. */
const DELIVERER = { HEIMDALL_WEBHOOK_DELIVER: 'true', HEIMDALL_WEBHOOK_POLL_MS: '20', HEIMDALL_WEBHOOK_RETRY_MS: '50', HEIMDALL_WEBHOOK_TIMEOUT_MS: '1000', HEIMDALL_LOG_LEVEL: 'warn' }

async function createEndpoint(t: ExecutionContext, server: TestServer, receiver: WebhookReceiver, name: string): Promise<void> {
  const created = await runCli(['webhook:create', receiver.url, '--name', name, '--event', 'user.created', '--json'], { env: server.env })
  t.is(created.code, 0, created.stderr)
  receiver.secrets.push(JSON.parse(created.stdout).secret)
}

async function register(server: TestServer, count: number): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < count; i++) ids.push((await server.client.register(uniqueEmail('instance'), TEST_PASSWORD)).body.user_id)
  return ids
}

/** The event ids queued for an endpoint, in queue order. */
async function queuedEventIds(server: TestServer, endpoint: string): Promise<string[]> {
  const rows = await server.context.db('webhook_deliveries').join('webhook_endpoints', 'webhook_endpoints.id', 'webhook_deliveries.endpoint_id').where('webhook_endpoints.name', endpoint).orderBy('webhook_deliveries.id').select('webhook_deliveries.event_id')
  return rows.map((row) => row.event_id)
}

async function stop(served: Served | undefined): Promise<void> {
  if (!served || served.child.exitCode !== null) return
  served.child.kill('SIGTERM')
  await served.exited
}

isolatedServerTest('kill -9 of serve in the middle of a delivery loses no event, and a receiver that dedupes on webhook-id processes each once', async (t, server) => {
  // The first request hangs until the process that sent it is dead; every later one is answered 200.
  const receiver = await startWebhookReceiver(['hang', 200])
  let first: Served | undefined
  let second: Served | undefined
  try {
    await createEndpoint(t, server, receiver, 'crash')
    await register(server, 5)
    first = await serve({ ...server.env, ...DELIVERER })
    t.truthy(await eventually(async () => receiver.received.length === 1, 30_000), 'the first delivery is in flight')
    first.child.kill('SIGKILL')
    await first.exited
    await register(server, 3)

    second = await serve({ ...server.env, ...DELIVERER })
    const queued = await queuedEventIds(server, 'crash')
    t.is(queued.length, 8)
    t.truthy(await eventually(async () => receiver.processed().length === 8, 60_000), `processed ${receiver.processed().length} of 8`)
    t.deepEqual(receiver.processed().map((message) => message.id), queued, 'each event once, in order')
    // Only the delivery cut off by the kill came twice (at least once), with its webhook-id.
    t.is(receiver.received.length, 9)
    t.is(receiver.received[0].id, receiver.received[1].id)
    t.true(receiver.received.every((message) => message.verified))
    // The receiver answered the last one a moment before the deliverer records it.
    t.truthy(await eventually(async () => (await server.context.db('webhook_deliveries').whereNot({ status: 'delivered' })).length === 0, 10_000), 'every delivery recorded as delivered')
  } finally {
    await stop(first)
    await stop(second)
    receiver.release()
    await receiver.close()
  }
}, { env: QUEUE_ONLY })

isolatedServerTest('two serve instances on one database deliver each event once, in order per endpoint', async (t, server) => {
  const receivers = [await startWebhookReceiver(), await startWebhookReceiver()]
  let instances: Served[] = []
  try {
    await createEndpoint(t, server, receivers[0], 'one')
    await createEndpoint(t, server, receivers[1], 'two')
    instances = await Promise.all([serve({ ...server.env, ...DELIVERER }), serve({ ...server.env, ...DELIVERER })])
    await register(server, 15)
    for (const [index, name] of ['one', 'two'].entries()) {
      const receiver = receivers[index]
      t.truthy(await eventually(async () => receiver.received.length >= 15, 60_000), `${name} got ${receiver.received.length} of 15`)
      t.deepEqual(receiver.received.map((message) => message.id), await queuedEventIds(server, name), `${name}: each event once, in order`)
      t.true(receiver.received.every((message) => message.verified))
    }
    // An attempt's row is written once its answer is in, a moment after the receiver has the message.
    const attempts = async () => Number((await server.context.db('webhook_attempts').count({ n: '*' }).first())?.n)
    await eventually(async () => (await attempts()) >= 30, 10_000)
    t.is(await attempts(), 30, 'one attempt per delivery: no instance sent one another had claimed')
  } finally {
    await Promise.all(instances.map(stop))
    await Promise.all(receivers.map((receiver) => receiver.close()))
  }
}, { env: QUEUE_ONLY })
