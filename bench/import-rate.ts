// How fast `heimdall user:import` writes users: the real binary over a fresh database, a JSON Lines
// file of `count` users with bcrypt hashes (stored as given, never computed).
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import bcrypt from 'bcrypt'
import { createMigratedTestDatabase } from '../test/support/db.js'
import { BENCH_PASSWORD } from './seed.js'

const run = promisify(execFile)

export interface ImportRate {
  users: number
  seconds: number
  perSecond: number
}

/**
 * Imports `count` users into a fresh migrated database of `kind` and answers the rate user:import
 * reported (its own clock: reading and writing, without Node's and oclif's start).
 */
export async function measureImportRate(bin: string, kind: 'sqlite' | 'mysql', count: number): Promise<ImportRate> {
  // A copy of the suite's migrated template: running thirty tables' DDL on MariaDB would cost more than the import.
  const db = await createMigratedTestDatabase(kind)
  const dir = mkdtempSync(join(tmpdir(), 'heimdall-import-bench-'))
  try {
    const hash = await bcrypt.hash(BENCH_PASSWORD, 10)
    const stamp = Date.now()
    const lines = Array.from({ length: count }, (_, i) => JSON.stringify({ email: `import-${i}-${stamp}@example.com`, email_verified: true, roles: i % 100 === 0 ? ['admin'] : [], created_at: stamp - i, password_hash: hash }))
    const file = join(dir, 'users.jsonl')
    writeFileSync(file, lines.join('\n') + '\n')
    const env = { ...process.env, HEIMDALL_DATABASE_URL: db.url, HEIMDALL_SECRET_FILE: join(dir, 'secret'), HEIMDALL_DATA_KEY_FILE: join(dir, 'data-keys'), HEIMDALL_LOG_LEVEL: 'silent', NODE_ENV: 'production' }
    const { stdout } = await run(process.execPath, [bin, 'user:import', file, '--json'], { env, maxBuffer: 16 * 1024 * 1024 })
    const summary = JSON.parse(stdout) as { imported: number; failed: number; seconds: number }
    if (summary.imported !== count || summary.failed !== 0) throw new Error(`user:import imported ${summary.imported} of ${count} (${summary.failed} failed)`)
    return { users: count, seconds: summary.seconds, perSecond: Math.round(count / summary.seconds) }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    await db.drop()
  }
}
