import type { Knex } from 'knex'

/**
 * An upstream identity is found by its provider and `sub`, which OpenID Connect Core 1.0 section 2
 * calls case-sensitive. MariaDB and MySQL compared it in the table's default collation
 * (utf8mb4_general_ci): case and accents folded, so an upstream account whose subject differed from
 * another's only in case (a provider whose subjects are user names: "Alice" and "alice") signed in
 * to the other's Heimdall account. A binary NO PAD collation compares the bytes, as SQLite and
 * PostgreSQL always did (they do not change): utf8mb4_bin would not do, it is PAD SPACE ("alice" and
 * "alice " equal). MariaDB names it utf8mb4_nopad_bin, MySQL 8 utf8mb4_0900_bin. Stricter comparison
 * cannot make two stored subjects collide.
 */
export async function up(knex: Knex): Promise<void> {
  if (!isMysql(knex)) return
  const collation = (await isMariadb(knex)) ? 'utf8mb4_nopad_bin' : 'utf8mb4_0900_bin'
  for (const table of ['user_identities', 'federation_pending_links']) {
    await knex.schema.alterTable(table, (columns) => {
      columns.string('subject', 255).notNullable().collate(collation).alter()
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

async function isMariadb(knex: Knex): Promise<boolean> {
  const [rows] = (await knex.raw('SELECT VERSION() AS version')) as [Array<{ version: string }>]
  return rows[0].version.includes('MariaDB')
}

function isMysql(knex: Knex): boolean {
  const client = String((knex.client as { config: { client?: unknown } }).config.client)
  return client === 'mysql2' || client === 'mysql'
}
