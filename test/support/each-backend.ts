import test, { type ExecutionContext } from 'ava'
import { backends, type Backend } from './db.js'
import { freePort, startTestServer, type TestServer } from './server.js'

/**
 * Declares the test `title` once per database under test (SQLite, and MariaDB and PostgreSQL when
 * their HEIMDALL_TEST_* URLs are set), titled "title [backend]"; each runs with `targets`' entry for
 * its backend, which the file's test.before fills (a server, a browser origin...).
 */
export function eachBackend<T>(targets: ReadonlyMap<Backend, T>, title: string, run: (t: ExecutionContext, target: T) => Promise<void>): void {
  for (const backend of backends()) test(`${title} [${backend}]`, (t) => run(t, targets.get(backend)!))
}

/** A test server for the pages, on `origin` (http://localhost:PORT). */
export interface PageTarget {
  server: TestServer
  /** http://localhost:PORT: browsers refuse IP addresses as WebAuthn relying party ids. */
  origin: string
}

/**
 * Starts one test server per database under test, each on http://localhost with a port of its own
 * named in HEIMDALL_PUBLIC_URL (the origin its pages and passkeys are bound to), with `env` on top;
 * fills `targets` by backend, never by the order they finished starting in.
 */
export async function startPageTargets(targets: Map<Backend, PageTarget>, env: Record<string, string>): Promise<void> {
  await Promise.all(
    backends().map(async (backend) => {
      const port = await freePort()
      const origin = `http://localhost:${port}`
      targets.set(backend, { server: await startTestServer(backend, { port, env: { HEIMDALL_PUBLIC_URL: origin, ...env } }), origin })
    }),
  )
}

/** Closes the servers startPageTargets started. */
export async function closePageTargets(targets: Map<Backend, PageTarget>): Promise<void> {
  await Promise.all([...targets.values()].map((target) => target.server.close()))
}
