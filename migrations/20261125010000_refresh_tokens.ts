import type { Knex } from 'knex'

/** Refresh tokens (stored as hashes only) and the index the revocation poller reads users by. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('refresh_tokens', (table) => {
    table.string('id', 36).primary()
    table.string('session_id', 36).notNullable().references('id').inTable('sessions').onDelete('CASCADE')
    table.string('token_hash', 64).notNullable().unique()
    table.bigInteger('created_at').notNullable()
    table.bigInteger('expires_at').notNullable()
    table.bigInteger('spent_at').nullable()
    table.index(['session_id'])
  })
  await knex.schema.alterTable('users', (table) => {
    table.index(['updated_at'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (table) => {
    table.dropIndex(['updated_at'])
  })
  await knex.schema.dropTable('refresh_tokens')
}
