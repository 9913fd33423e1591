import type { Knex } from 'knex'

/**
 * What the account page shows of a session besides its time and methods (issue 27): the browser's
 * User-Agent and the client's address when it was opened on the hosted pages, so that people can tell
 * their sessions apart. Null for sessions opened through the API or before this migration.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sessions', (table) => {
    table.string('user_agent', 512).nullable()
    table.string('ip_address', 64).nullable()
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sessions', (table) => {
    table.dropColumn('user_agent')
    table.dropColumn('ip_address')
  })
}
