import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import knex from 'knex'

export type Backend = 'sqlite' | 'mysql'

/** SQLite always; MySQL too when CI (or you) set HEIMDALL_TEST_MYSQL_URL. */
export function backends(): Backend[] {
  return process.env.HEIMDALL_TEST_MYSQL_URL ? ['sqlite', 'mysql'] : ['sqlite']
}

export interface TestDatabase {
  url: string
  /** A directory of this database's own, for files such as a generated secret. */
  dir: string
  drop(): Promise<void>
}

/** A fresh, empty database no other test shares: a new SQLite file, or a new MySQL schema. */
export async function createTestDatabase(backend: Backend): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'heimdall-test-'))
  const removeDir = () => rmSync(dir, { recursive: true, force: true })
  if (backend === 'sqlite') {
    return { url: `sqlite:${join(dir, 'heimdall.db')}`, dir, drop: async () => removeDir() }
  }

  const admin = new URL(process.env.HEIMDALL_TEST_MYSQL_URL!)
  const name = `heimdall_t_${randomBytes(6).toString('hex')}`
  await withAdminConnection(admin, (db) => db.raw('CREATE DATABASE ?? CHARACTER SET utf8mb4', [name]))
  const url = new URL(admin)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    dir,
    drop: async () => {
      await withAdminConnection(admin, (db) => db.raw('DROP DATABASE IF EXISTS ??', [name]))
      removeDir()
    },
  }
}

async function withAdminConnection(url: URL, work: (db: knex.Knex) => Promise<unknown>): Promise<void> {
  const db = knex({
    client: 'mysql2',
    connection: { host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) },
    pool: { min: 0, max: 1 },
  })
  try {
    await work(db)
  } finally {
    await db.destroy()
  }
}
