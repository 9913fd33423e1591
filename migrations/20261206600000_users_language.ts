import type { Knex } from 'knex'

/**
 * The language a user chose for the hosted pages and the mails sent to them (issue 27), a BCP 47 tag
 * of a served catalogue ("de", "pt-BR"); null: none chosen, the browser's Accept-Language decides.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (table) => {
    table.string('language', 35).nullable()
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (table) => {
    table.dropColumn('language')
  })
}
