import type { Knex } from 'knex'

/**
 * When a user's address was last proven theirs (null: never), and the one-time tokens mailed to
 * users: password reset, email verification, email change. Only a token's SHA-256 is stored; a token
 * is spent once (spent_at), and a newer one of the same purpose supersedes the older (superseded_at).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (table) => {
    table.bigInteger('email_verified_at').nullable()
  })
  await knex.schema.createTable('user_tokens', (table) => {
    table.string('id', 36).primary()
    table.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE')
    table.string('purpose', 32).notNullable()
    table.string('token_hash', 64).notNullable().unique()
    // The address an email change moves to; null for the other purposes.
    table.string('new_email', 254).nullable()
    table.bigInteger('created_at').notNullable()
    table.bigInteger('expires_at').notNullable()
    table.bigInteger('spent_at').nullable()
    table.bigInteger('superseded_at').nullable()
    table.index(['user_id', 'purpose'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('user_tokens')
  await knex.schema.alterTable('users', (table) => {
    table.dropColumn('email_verified_at')
  })
}
