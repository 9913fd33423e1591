import type { Knex } from 'knex'

/**
 * The account page's own cookie names a session and carries a secret whose SHA-256 is kept here:
 * the page then lives and dies with that session (logout-all, user:disable, a revocation end it).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sessions', (table) => {
    table.string('page_secret_hash', 64).nullable()
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sessions', (table) => {
    table.dropColumn('page_secret_hash')
  })
}
