import type { Knex } from 'knex'

/**
 * The mail outbox: every mail is first a row here, written in the same transaction as the token it
 * carries, and `serve` sends from it. status: pending -> sending (claimed by one sender until
 * claimed_until) -> sent | pending again (a retry at next_attempt_at) | failed (after the last attempt).
 * `data` holds the template's variables, the link with its token included, until the mail is sent.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('mail_outbox', (table) => {
    table.increments('id').primary()
    table.string('kind', 64).notNullable()
    table.string('recipient', 254).notNullable()
    table.string('user_id', 36).nullable().references('id').inTable('users').onDelete('CASCADE')
    table.text('data').nullable()
    table.string('status', 16).notNullable()
    table.integer('attempts').notNullable().defaultTo(0)
    table.bigInteger('next_attempt_at').notNullable()
    table.string('claimed_by', 64).nullable()
    table.bigInteger('claimed_until').nullable()
    table.text('last_error').nullable()
    table.string('message_id', 255).nullable()
    table.text('smtp_response').nullable()
    table.bigInteger('created_at').notNullable()
    table.bigInteger('sent_at').nullable()
    table.index(['status', 'next_attempt_at'])
    table.index(['user_id'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('mail_outbox')
}
