import type { Knex } from 'knex'

/**
 * Second factors (issue 16): one TOTP secret per user (AES-256-GCM under a key derived from
 * HEIMDALL_JWT_SECRET, as signing keys are), single-use recovery codes stored only as SHA-256 hashes,
 * WebAuthn credentials (passkeys), and the RFC 8176 methods a session was opened with, so that a
 * refreshed access token carries the same `amr` as the first.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('mfa_totp', (table) => {
    table.string('user_id', 36).primary().references('id').inTable('users').onDelete('CASCADE')
    table.text('secret_encrypted').notNullable()
    table.bigInteger('created_at').notNullable()
    // Null while the secret is pending: set up but not yet proven with a code.
    table.bigInteger('confirmed_at').nullable()
    // The RFC 6238 time step of the last accepted code: a code of this step or an earlier one is a replay.
    table.bigInteger('last_used_step').nullable()
    table.bigInteger('last_used_at').nullable()
  })

  await knex.schema.createTable('mfa_recovery_codes', (table) => {
    table.increments('id').primary()
    table.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE')
    table.string('code_hash', 64).notNullable()
    table.bigInteger('created_at').notNullable()
    table.bigInteger('used_at').nullable()
    table.index(['user_id'])
    table.unique(['code_hash'])
  })

  await knex.schema.createTable('passkeys', (table) => {
    table.string('id', 36).primary()
    table.string('user_id', 36).notNullable().references('id').inTable('users').onDelete('CASCADE')
    // Credential ids may be up to 1023 bytes (WebAuthn L2 5.1): looked up by their hash.
    table.text('credential_id').notNullable()
    table.string('credential_id_hash', 64).notNullable().unique()
    table.text('public_key').notNullable()
    table.bigInteger('sign_count').notNullable().defaultTo(0)
    table.string('transports', 255).nullable()
    table.string('device_type', 32).notNullable()
    table.boolean('backed_up').notNullable().defaultTo(false)
    table.string('name', 100).notNullable()
    table.bigInteger('created_at').notNullable()
    table.bigInteger('last_used_at').nullable()
    table.index(['user_id'])
  })

  await knex.schema.alterTable('sessions', (table) => {
    table.string('amr', 64).nullable()
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sessions', (table) => {
    table.dropColumn('amr')
  })
  await knex.schema.dropTable('passkeys')
  await knex.schema.dropTable('mfa_recovery_codes')
  await knex.schema.dropTable('mfa_totp')
}
