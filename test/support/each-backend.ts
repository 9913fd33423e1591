import test, { type ExecutionContext } from 'ava'
import { backends, type Backend } from './db.js'

/**
 * Declares the test `title` once per database under test (SQLite, and MariaDB and PostgreSQL when
 * their HEIMDALL_TEST_* URLs are set), titled "title [backend]"; each runs with `targets`' entry for
 * its backend, which the file's test.before fills (a server, a browser origin...).
 */
export function eachBackend<T>(targets: ReadonlyMap<Backend, T>, title: string, run: (t: ExecutionContext, target: T) => Promise<void>): void {
  for (const backend of backends()) test(`${title} [${backend}]`, (t) => run(t, targets.get(backend)!))
}
