import type { Knex } from 'knex'

/**
 * Whether an operator created the account (user:create): such an account may enrol a second factor
 * or passkey before its address is proven, since the operator vouches for who holds it. A
 * self-registered one may not (docs/security.md, pre-account takeover).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (table) => {
    table.boolean('created_by_operator').notNullable().defaultTo(false)
  })
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (table) => {
    table.dropColumn('created_by_operator')
  })
}
