import { createWebhooksRepository } from '../../../src/infra/repositories/webhooks.js'
import { runCli } from '../../support/cli.js'
import { serverTest, TEST_PASSWORD, uniqueEmail } from '../../support/server.js'

// Leases on deliveries, on each database: the rules the delivery worker relies on between instances
// (src/infra/events/delivery-worker.ts renews its claim as a send starts and sends nothing without it).

serverTest('a claim is renewed only by its holder while its lease runs; once it has run out another worker takes the row, and the first can neither renew nor record', async (t, server) => {
  const name = `claims-${process.pid}-${Date.now()}`
  const created = await runCli(['webhook:create', 'https://receiver.example/hook', '--name', name, '--event', 'user.created', '--json'], { env: server.env })
  t.is(created.code, 0, created.stderr)
  t.is((await server.client.register(uniqueEmail('claims'), TEST_PASSWORD)).statusCode, 200)
  const endpoint = await server.context.db('webhook_endpoints').where({ name }).first()
  const delivery = await server.context.db('webhook_deliveries').where({ endpoint_id: endpoint.id }).first()
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
  const name = `lapsed-${process.pid}-${Date.now()}`
  const created = await runCli(['webhook:create', 'https://receiver.example/hook', '--name', name, '--event', 'user.created', '--json'], { env: server.env })
  t.is(created.code, 0, created.stderr)
  t.is((await server.client.register(uniqueEmail('lapsed'), TEST_PASSWORD)).statusCode, 200)
  const endpoint = await server.context.db('webhook_endpoints').where({ name }).first()
  const delivery = await server.context.db('webhook_deliveries').where({ endpoint_id: endpoint.id }).first()

  const webhooks = createWebhooksRepository(server.context.db)
  const now = Date.now() + 60_000
  t.truthy(await webhooks.claimDelivery(delivery.id, 'first', now, now + 3000))
  t.false(await webhooks.renewClaim(delivery.id, 'first', now + 3001, now + 6000))
  const again = await webhooks.claimDelivery(delivery.id, 'first', now + 3001, now + 6000)
  t.is(again?.attempts, 2, 'claimed again, as a new attempt')
}, { env: { HEIMDALL_WEBHOOK_DELIVER: 'false' } })
