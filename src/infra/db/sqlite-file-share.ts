import type { Knex } from 'knex'

interface Shared {
  db: Knex
  holders: number
}

const byFile = new Map<string, Shared>()

/**
 * One knex instance (one connection: knex's pool for SQLite holds one) per SQLite file in this
 * process, however many contexts open it: each caller gets its own handle, and the connection is
 * destroyed when the last handle is. `filename` is an absolute path; ':memory:' is never shared
 * (each connection is a database of its own there).
 *
 * Why: better-sqlite3 runs every statement on the calling thread. With two connections to one
 * file in one thread, the second writer's busy wait (busy_timeout, 5 s) holds the very event loop
 * that the first writer's open transaction needs to reach its COMMIT: the thread stops for the whole
 * 5 s, then the write fails with SQLITE_BUSY. Through one connection the second query waits in the
 * pool, asynchronously, while the first transaction ends. (Processes of their own, as a CLI run
 * beside `serve` or `serve`'s workers, wait for each other only as long as a transaction lasts.)
 */
export function sharedSqliteKnex(filename: string, create: () => Knex): Knex {
  if (filename === ':memory:') return create()
  let shared = byFile.get(filename)
  if (!shared) {
    shared = { db: create(), holders: 0 }
    byFile.set(filename, shared)
  }
  shared.holders += 1
  const held = shared
  let released: Promise<void> | undefined
  const release = (): Promise<void> => {
    released ??= (async () => {
      held.holders -= 1
      if (held.holders > 0) return
      if (byFile.get(filename) === held) byFile.delete(filename)
      await held.db.destroy()
    })()
    return released
  }
  return new Proxy(held.db, {
    get: (target, property, receiver) => (property === 'destroy' ? release : Reflect.get(target, property, receiver)),
  })
}
