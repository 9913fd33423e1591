import type { Knex } from 'knex'

/**
 * An upstream identity is found by its provider and `sub`, which OpenID Connect Core 1.0 section 2
 * calls case-sensitive. MariaDB and MySQL compared it in the table's default collation
 * (utf8mb4_general_ci): case and accents folded, so an upstream account whose subject differed from
 * another's only in case (a provider whose subjects are user names: "Alice" and "alice") signed in
 * to the other's Heimdall account. utf8mb4_bin compares the bytes, as SQLite and PostgreSQL always
 * did; they do not change. Stricter comparison cannot make two stored subjects collide.
 */
export async function up(knex: Knex): Promise<void> {
  if (!isMysql(knex)) return
  for (const table of ['user_identities', 'federation_pending_links']) {
    await knex.schema.alterTable(table, (columns) => {
      columns.string('subject', 255).notNullable().collate('utf8mb4_bin').alter()
    })
  }
}

/** Back to the table's collation; fails when two subjects of one provider differ only in case. */
export async function down(knex: Knex): Promise<void> {
  if (!isMysql(knex)) return
  for (const table of ['user_identities', 'federation_pending_links']) {
    await knex.schema.alterTable(table, (columns) => {
      columns.string('subject', 255).notNullable().collate('utf8mb4_general_ci').alter()
    })
  }
}

function isMysql(knex: Knex): boolean {
  const client = String((knex.client as { config: { client?: unknown } }).config.client)
  return client === 'mysql2' || client === 'mysql'
}
