import type { Knex } from 'knex'

/**
 * password_hash held 72 characters, a bcrypt hash's 60 and no more. An argon2id PHC string is about
 * 100, and hashes imported from elsewhere (user:import: PBKDF2 of 512 bits, Firebase's scrypt with
 * its project parameters) up to about 300: 512 leaves room. SQLite does not enforce a varchar's
 * length, so only MySQL and PostgreSQL change.
 */
export async function up(knex: Knex): Promise<void> {
  if (isSqlite(knex)) return
  await knex.schema.alterTable('users', (table) => {
    table.string('password_hash', 512).notNullable().alter()
  })
}

export async function down(knex: Knex): Promise<void> {
  if (isSqlite(knex)) return
  // Hashes longer than bcrypt's would not fit back: they are cut to the marker of an account without a password.
  await knex('users').whereRaw('length(password_hash) > 72').update({ password_hash: '!no-password' })
  await knex.schema.alterTable('users', (table) => {
    table.string('password_hash', 72).notNullable().alter()
  })
}

function isSqlite(knex: Knex): boolean {
  const client = String((knex.client as { config: { client?: unknown } }).config.client)
  return client === 'better-sqlite3' || client === 'sqlite3'
}
