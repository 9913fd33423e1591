import type { WebhookDeliveryRow } from '../../../src/infra/db/tables.js'
import { createWebhooksRepository } from '../../../src/infra/repositories/webhooks.js'
import { runCli } from '../../support/cli.js'
import { eventually } from '../../support/eventually.js'
import { serverTest, startSecondInstance, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'

// Leases on deliveries and how long delivered ones are kept, on each database: the rules the delivery
// worker relies on between instances (src/infra/events/delivery-worker.ts renews its claim as a send
// starts and sends nothing without it; it deletes delivered rows past HEIMDALL_WEBHOOK_KEEP_DELIVERED).

/** A new endpoint and a new event for it (delivery is off on these servers): answers the pending delivery's row. */
async function queuedDelivery(server: TestServer, label: string): Promise<WebhookDeliveryRow> {
  const name = `${label}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`
  const created = await runCli(['webhook:create', 'https://receiver.example/hook', '--name', name, '--event', 'user.created', '--json'], { env: server.env })
  if (created.code !== 0) throw new Error(created.stderr)
  const registered = await server.client.register(uniqueEmail(label), TEST_PASSWORD)
  if (registered.statusCode !== 200) throw new Error(`registration answered ${registered.statusCode}`)
  const endpoint = await server.context.db('webhook_endpoints').where({ name }).first()
  return server.context.db('webhook_deliveries').where({ endpoint_id: endpoint.id }).first()
}

serverTest('a claim is renewed only by its holder while its lease runs; once it has run out another worker takes the row, and the first can neither renew nor record', async (t, server) => {
  const delivery = await queuedDelivery(server, 'claims')
  t.is(delivery.status, 'pending')

  const webhooks = createWebhooksRepository(server.context.db)
  const now = Date.now() + 60_000 // past next_attempt_at, whatever the retry schedule
  t.truthy(await webhooks.claimDelivery(delivery.id, 'first', now, now + 3000))
  t.falsy(await webhooks.claimDelivery(delivery.id, 'second', now + 1000, now + 4000), 'a running lease is not taken')
  t.false(await webhooks.renewClaim(delivery.id, 'second', now + 1000, now + 4000), 'only the holder renews')
  t.true(await webhooks.renewClaim(delivery.id, 'first', now + 2000, now + 5000), 'the holder renews while its lease runs')
  t.falsy(await webhooks.claimDelivery(delivery.id, 'second', now + 4000, now + 7000), 'the renewed lease runs to its new end')

  // The lease runs out: another worker takes the row; the first worker's renewal and outcome are refused.
  t.truthy(await webhooks.claimDelivery(delivery.id, 'second', now + 6000, now + 9000))
  t.false(await webhooks.renewClaim(delivery.id, 'first', now + 6000, now + 9000))
  t.false(await webhooks.updateDeliveryOutcome(delivery.id, 'first', { status: 'delivered', now: now + 6000, statusCode: 200, error: null }))
  t.true(await webhooks.updateDeliveryOutcome(delivery.id, 'second', { status: 'delivered', now: now + 6500, statusCode: 200, error: null }))
  t.is((await webhooks.findDeliveryById(delivery.id))?.status, 'delivered')
}, { env: { HEIMDALL_WEBHOOK_DELIVER: 'false' } })

serverTest('a lapsed claim that nobody has taken yet cannot be renewed either (the worker then sends nothing); the row is claimed again as a new attempt', async (t, server) => {
  const delivery = await queuedDelivery(server, 'lapsed')

  const webhooks = createWebhooksRepository(server.context.db)
  const now = Date.now() + 60_000
  t.truthy(await webhooks.claimDelivery(delivery.id, 'first', now, now + 3000))
  t.false(await webhooks.renewClaim(delivery.id, 'first', now + 3001, now + 6000))
  const again = await webhooks.claimDelivery(delivery.id, 'first', now + 3001, now + 6000)
  t.is(again?.attempts, 2, 'claimed again, as a new attempt')
}, { env: { HEIMDALL_WEBHOOK_DELIVER: 'false' } })

serverTest('delivered deliveries older than the keeping time are deleted with their attempts; recent, pending and failed ones stay', async (t, server) => {
  const webhooks = createWebhooksRepository(server.context.db)
  const day = 86_400_000
  const now = Date.now()
  const finish = async (id: number, status: 'delivered' | 'failed', at: number) => {
    const claimedAt = Date.now() + 60_000 // past next_attempt_at, whatever the retry schedule
    t.truthy(await webhooks.claimDelivery(id, 'worker', claimedAt, claimedAt + 3000))
    await webhooks.insertWebhookAttempt({ delivery_id: id, attempt: 1, started_at: at, latency_ms: 5, status_code: status === 'delivered' ? 200 : 500, error: null })
    t.true(await webhooks.updateDeliveryOutcome(id, 'worker', { status, now: at, statusCode: status === 'delivered' ? 200 : 500, error: null }))
  }
  const old = await queuedDelivery(server, 'old')
  const recent = await queuedDelivery(server, 'recent')
  const failed = await queuedDelivery(server, 'failed')
  const pending = await queuedDelivery(server, 'pending')
  await finish(old.id, 'delivered', now - 40 * day)
  await finish(recent.id, 'delivered', now - day)
  await finish(failed.id, 'failed', now - 40 * day)

  // In batches: one at a time here, until nothing older is left.
  const ids = [old.id, recent.id, failed.id, pending.id]
  let deleted = 0
  for (let batch = 1; batch > 0; ) deleted += batch = await webhooks.deleteDeliveredBefore(now - 30 * day, 1)
  t.true(deleted >= 1)
  const left = await server.context.db('webhook_deliveries').whereIn('id', ids).orderBy('id').select('id', 'status')
  t.deepEqual(left.map((row) => row.id), [recent.id, failed.id, pending.id])
  t.is((await server.context.db('webhook_attempts').where({ delivery_id: old.id })).length, 0, 'its attempts went with it')
  t.is((await server.context.db('webhook_attempts').where({ delivery_id: recent.id })).length, 1)
}, { env: { HEIMDALL_WEBHOOK_DELIVER: 'false' } })

serverTest('a delivering serve deletes what it delivered longer ago than HEIMDALL_WEBHOOK_KEEP_DELIVERED', async (t, server) => {
  // A delivery made 40 days ago, as an instance since stopped left it.
  const webhooks = createWebhooksRepository(server.context.db)
  const row = await queuedDelivery(server, 'kept')
  const before = Date.now() - 40 * 86_400_000
  await server.context.db('webhook_deliveries').where({ id: row.id }).update({ status: 'delivered', attempts: 1, created_at: before, next_attempt_at: before, delivered_at: before, last_status_code: 200 })
  // This server queues only; another instance that delivers sweeps at its first pass.
  const second = await startSecondInstance(server, { HEIMDALL_WEBHOOK_DELIVER: 'true', HEIMDALL_WEBHOOK_KEEP_DELIVERED: '2592000' })
  try {
    t.truthy(await eventually(async () => (await webhooks.findDeliveryById(row.id)) === undefined, 20_000), 'the old delivered row is deleted')
  } finally {
    await second.close()
  }
}, { env: { HEIMDALL_WEBHOOK_DELIVER: 'false' } })
