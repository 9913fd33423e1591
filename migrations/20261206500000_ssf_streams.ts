import type { Knex } from 'knex'

/**
 * Shared Signals streams (issue 25, docs/ssf.md): one row per receiver's stream, owned by the OAuth
 * client that made it. Events are not copied: a stream reads the event table (audit_events) from its
 * cursor, the id of the last event row every earlier one of which was acknowledged; events acknowledged
 * beyond it (out of order, or too recent to pass over, see usecases/ssf/acknowledge.ts) wait in
 * acked_beyond. The push endpoint's Authorization header is sealed at rest like other secrets.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ssf_streams', (table) => {
    table.string('id', 36).primary()
    table.string('client_id', 200).notNullable().index()
    table.string('audience', 500).notNullable()
    // JSON arrays of CAEP event-type URIs.
    table.text('events_requested').notNullable()
    table.text('events_delivered').notNullable()
    table.string('description', 500).nullable()
    // urn:ietf:rfc:8936 (poll) | urn:ietf:rfc:8935 (push)
    table.string('delivery_method', 32).notNullable()
    table.string('endpoint_url', 2000).nullable()
    table.text('authorization_header_sealed').nullable()
    // enabled | paused | disabled
    table.string('status', 16).notNullable()
    table.string('status_reason', 500).nullable()
    table.bigInteger('cursor').notNullable().defaultTo(0)
    table.text('acked_beyond').notNullable()
    // Push: when the worker may try next, who holds the stream now, and the last failure.
    table.bigInteger('next_push_at').notNullable().defaultTo(0)
    table.integer('push_failures').notNullable().defaultTo(0)
    table.bigInteger('claimed_until').nullable()
    table.string('last_error', 2000).nullable()
    table.bigInteger('last_polled_at').nullable()
    // A verification event asked for (SSF 1.0 section 8.1.4), JSON { jti, state, at }, until acknowledged.
    table.text('pending_verification').nullable()
    table.bigInteger('created_at').notNullable()
    table.bigInteger('updated_at').notNullable()
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('ssf_streams')
}
