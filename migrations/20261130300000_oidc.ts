import type { Knex } from 'knex'

/**
 * The OpenID Connect provider's state (grants, codes, tokens, sessions, interactions, device codes),
 * one row per oidc-provider model instance, so that every instance on the database shares it; and the
 * OAuth clients that the CLI manages (client:create ...), their secrets stored as SHA-256 hashes.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('oidc_payloads', (table) => {
    table.string('kind', 40).notNullable()
    table.string('id', 191).notNullable()
    table.text('payload', 'mediumtext').notNullable()
    table.string('grant_id', 191).nullable()
    table.string('user_code', 64).nullable()
    table.string('uid', 191).nullable()
    table.string('client_id', 64).nullable()
    // The Heimdall session a grant belongs to: ending the session revokes the grant.
    table.string('session_id', 64).nullable()
    table.bigInteger('expires_at').nullable()
    table.bigInteger('consumed_at').nullable()
    table.primary(['kind', 'id'])
    table.index(['grant_id'])
    table.index(['user_code'])
    table.index(['uid'])
    table.index(['client_id'])
    table.index(['session_id'])
    table.index(['expires_at'])
  })
  await knex.schema.createTable('oauth_clients', (table) => {
    table.string('client_id', 64).primary()
    table.string('name', 200).notNullable()
    // SHA-256 (hex) of a 256-bit random secret: a slow hash would add nothing against guessing.
    table.string('secret_hash', 64).nullable()
    table.text('metadata').notNullable()
    table.boolean('first_party').notNullable().defaultTo(false)
    table.bigInteger('created_at').notNullable()
    table.bigInteger('updated_at').notNullable()
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('oauth_clients')
  await knex.schema.dropTable('oidc_payloads')
}
