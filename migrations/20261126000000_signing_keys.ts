import type { Knex } from 'knex'

/**
 * Private keys for RS256 / EdDSA tokens (HEIMDALL_JWT_ALG), encrypted with AES-256-GCM under a key
 * derived from HEIMDALL_JWT_SECRET, with their public halves as JWKs. A retired key stops signing and
 * loses its private key, but stays published (GET /.well-known/jwks.json) until published_until.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('signing_keys', (table) => {
    table.string('kid', 64).primary()
    table.string('alg', 16).notNullable()
    table.text('public_jwk').notNullable()
    table.text('private_key_encrypted').nullable()
    table.bigInteger('created_at').notNullable()
    table.bigInteger('retired_at').nullable()
    table.bigInteger('published_until').nullable()
    // The latest exp of a token this key signed with a lifetime longer than the configured one.
    table.bigInteger('signed_until').nullable()
    table.index(['retired_at'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('signing_keys')
}
