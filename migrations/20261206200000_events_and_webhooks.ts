import type { Knex } from 'knex'

/**
 * Events and webhooks (issue 24, docs/events.md). The audit trail becomes the event log: a row that
 * records a state change from the catalogue (src/domain/events.ts) also carries the event's id, type,
 * payload and actor, written in the same transaction as the change. Webhook endpoints (their `whsec_`
 * secret sealed at rest, the previous one kept for a grace period after a rotation), one delivery row
 * per event and endpoint (written with the event: an event committed is an event delivered), and one
 * row per attempt.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_events', (table) => {
    // Set on catalogue events only; the webhook-id of every delivery of it.
    table.string('event_id', 40).nullable().unique()
    table.string('event_type', 64).nullable()
    table.text('payload').nullable()
    // 'self', 'operator', 'system', 'user:<id>', 'client:<id>'...: who made the change.
    table.string('actor', 100).nullable()
  })

  await knex.schema.createTable('webhook_endpoints', (table) => {
    table.string('id', 36).primary()
    table.string('name', 64).notNullable().unique()
    table.string('url', 2000).notNullable()
    // JSON array of patterns: an exact type, `user.*`, or `*`.
    table.text('events').notNullable()
    table.text('secret_sealed').notNullable()
    table.text('previous_secret_sealed').nullable()
    table.bigInteger('previous_secret_until').nullable()
    table.boolean('enabled').notNullable().defaultTo(true)
    table.string('disabled_reason', 500).nullable()
    table.bigInteger('created_at').notNullable()
    table.bigInteger('updated_at').notNullable()
  })

  await knex.schema.createTable('webhook_deliveries', (table) => {
    table.increments('id').primary()
    table.string('endpoint_id', 36).notNullable().references('id').inTable('webhook_endpoints').onDelete('CASCADE')
    table.integer('event_row_id').unsigned().notNullable()
    table.string('event_id', 40).notNullable()
    table.string('event_type', 64).notNullable()
    // pending | sending | delivered | failed
    table.string('status', 16).notNullable()
    table.integer('attempts').notNullable().defaultTo(0)
    table.bigInteger('next_attempt_at').notNullable()
    table.string('claimed_by', 64).nullable()
    table.bigInteger('claimed_until').nullable()
    table.bigInteger('created_at').notNullable()
    table.bigInteger('delivered_at').nullable()
    table.integer('last_status_code').nullable()
    table.string('last_error', 2000).nullable()
    table.unique(['endpoint_id', 'event_id'])
    table.index(['status', 'endpoint_id'])
  })

  await knex.schema.createTable('webhook_attempts', (table) => {
    table.increments('id').primary()
    table.integer('delivery_id').unsigned().notNullable().references('id').inTable('webhook_deliveries').onDelete('CASCADE')
    table.integer('attempt').notNullable()
    table.bigInteger('started_at').notNullable()
    table.integer('latency_ms').notNullable()
    table.integer('status_code').nullable()
    table.string('error', 2000).nullable()
    table.index(['delivery_id'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('webhook_attempts')
  await knex.schema.dropTableIfExists('webhook_deliveries')
  await knex.schema.dropTableIfExists('webhook_endpoints')
  await knex.schema.alterTable('audit_events', (table) => {
    table.dropUnique(['event_id'])
    table.dropColumn('event_id')
    table.dropColumn('event_type')
    table.dropColumn('payload')
    table.dropColumn('actor')
  })
}
