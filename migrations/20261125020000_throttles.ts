import type { Knex } from 'knex'

/** Fixed-window counters shared by every worker and instance: login lockout and per-IP rate limits. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('throttles', (table) => {
    table.string('key', 300).primary()
    table.bigInteger('window_start').notNullable()
    table.integer('count').notNullable()
    table.index(['window_start'])
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('throttles')
}
