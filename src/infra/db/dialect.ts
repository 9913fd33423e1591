import type { Knex } from 'knex'
import type { DatabaseType } from '../../config.js'

/**
 * Which of the three databases a knex instance (or a transaction of it) talks to, from its client:
 * for the few statements the dialects write differently. Only infra/db/ asks; repositories call the
 * helpers here instead.
 */
export function dialectOf(db: Knex): DatabaseType {
  const client = String((db.client as { config: { client?: unknown } }).config.client)
  if (client === 'pg' || client === 'postgres' || client === 'postgresql') return 'postgres'
  if (client === 'mysql' || client === 'mysql2') return 'mysql'
  return 'sqlite'
}

/**
 * Inserts one row into a table whose primary key is an auto-incremented `id` and answers that id.
 * MySQL reports it as the insert's result; PostgreSQL and SQLite answer it through RETURNING (knex
 * gives PostgreSQL's result object, not an id, for an insert without one).
 */
export async function insertReturningId(db: Knex, table: string, row: Record<string, unknown>): Promise<number> {
  if (dialectOf(db) === 'mysql') {
    const [id] = await db(table).insert(row)
    return Number(id)
  }
  const [inserted] = (await db(table).insert(row).returning('id')) as Array<{ id: number | string }>
  return Number(inserted.id)
}

/**
 * The rows of a `db.raw()` SELECT: mysql2 answers [rows, fields], node-postgres a result with
 * `rows`, better-sqlite3 the rows themselves.
 */
export function rawRows<T>(db: Knex, result: unknown): T[] {
  const dialect = dialectOf(db)
  if (dialect === 'mysql') return (result as [T[]])[0]
  if (dialect === 'postgres') return (result as { rows: T[] }).rows
  return result as T[]
}

/** The database's name as people write it, for messages: "SQLite", "MySQL", "PostgreSQL". */
export function databaseProductName(type: DatabaseType): string {
  return type === 'postgres' ? 'PostgreSQL' : type === 'mysql' ? 'MySQL' : 'SQLite'
}

/**
 * Whether the database has `FOR UPDATE SKIP LOCKED` (PostgreSQL 9.5+, MySQL 8, MariaDB 10.6+): a
 * claim then takes the rows no other claimer holds instead of waiting for them. SQLite has no row
 * locks (one writer at a time).
 */
export function hasSkipLocked(db: Knex): boolean {
  return dialectOf(db) !== 'sqlite'
}

/**
 * Whether the database lives in this host's file (SQLite): one machine, so secrets may be generated
 * beside it. A database server (MySQL, PostgreSQL) may serve many instances, which must share them.
 */
export function isEmbeddedDatabase(type: DatabaseType): boolean {
  return type === 'sqlite'
}

/** The knex client (driver) for a kind of database, for configurations written outside createKnex (knexfile.ts). */
export function knexClientOf(type: DatabaseType): 'better-sqlite3' | 'mysql2' | 'pg' {
  return type === 'sqlite' ? 'better-sqlite3' : type === 'mysql' ? 'mysql2' : 'pg'
}

/**
 * The largest id an auto-incremented `increments()` column holds on every one of the databases
 * (PostgreSQL's `serial`, a signed 32-bit integer; MySQL's is unsigned, SQLite's 64-bit). A larger id
 * names no row; PostgreSQL refuses to even compare one with the column (22003, out of range), so
 * lookups by such an id answer "none" without asking.
 */
export const MAX_SERIAL_ID = 2_147_483_647

/** Whether `id` (a whole number from input) may name a row of an `increments()` column. */
export function isSerialId(id: number): boolean {
  return Number.isSafeInteger(id) && id >= 0 && id <= MAX_SERIAL_ID
}
