import type { Knex } from 'knex'

/**
 * Short-lived, single-use secrets of the MFA flows, shared by every worker and instance: the
 * mfa_token of a login's second step, the enrolment-only token, and WebAuthn challenges. Only a
 * SHA-256 hash of each is stored; a conditional UPDATE of spent_at is what makes them single use.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('mfa_challenges', (table) => {
    table.string('secret_hash', 64).primary()
    table.string('purpose', 32).notNullable()
    table.string('user_id', 36).nullable().references('id').inTable('users').onDelete('CASCADE')
    table.bigInteger('created_at').notNullable()
    table.bigInteger('expires_at').notNullable()
    table.bigInteger('spent_at').nullable()
    table.index(['expires_at'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('mfa_challenges')
}
