import { readdirSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { join } from 'node:path'
import type { Knex } from 'knex'

/** Compiled migrations live in dist/migrations, three levels up from dist/src/infra/db. */
const MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url))

interface MigrationModule {
  up(knex: Knex): Promise<void>
  down(knex: Knex): Promise<void>
}

/** Names migrations without their extension, so the recorded names do not depend on the build. */
class CompiledMigrationSource implements Knex.MigrationSource<string> {
  async getMigrations(): Promise<string[]> {
    return readdirSync(MIGRATIONS_DIR)
      .filter((file) => file.endsWith('.js'))
      .map((file) => file.slice(0, -'.js'.length))
      .sort()
  }

  getMigrationName(migration: string): string {
    return migration
  }

  async getMigration(migration: string): Promise<MigrationModule> {
    return import(pathToFileURL(join(MIGRATIONS_DIR, `${migration}.js`)).href) as Promise<MigrationModule>
  }
}

const migrationSource = new CompiledMigrationSource()
const config: Knex.MigratorConfig = { migrationSource, tableName: 'knex_migrations' }

export interface MigrationStatus {
  applied: string[]
  pending: string[]
}

export async function migrateLatest(db: Knex): Promise<string[]> {
  const [, applied] = (await db.migrate.latest(config)) as [number, string[]]
  return applied
}

export async function migrateRollback(db: Knex): Promise<string[]> {
  const [, rolledBack] = (await db.migrate.rollback(config)) as [number, string[]]
  return rolledBack
}

export async function migrationStatus(db: Knex): Promise<MigrationStatus> {
  // knex's list creates its bookkeeping tables: a status check (doctor, migrate:status) must not write.
  if (!(await db.schema.hasTable('knex_migrations'))) return { applied: [], pending: await migrationSource.getMigrations() }
  const [applied, pending] = (await db.migrate.list(config)) as [Array<{ name: string }>, string[]]
  return { applied: applied.map((row) => row.name), pending: pending.map(String) }
}
