import test, { type ExecutionContext } from 'ava'
import { loadConfig } from '../../src/config.js'
import { createContext, type Context } from '../../src/context.js'
import type { Clock } from '../../src/infra/clock.js'
import { startHttpServer } from '../../src/http/server.js'
import { createPasswordHasher, type PasswordHasher } from '../../src/infra/passwords.js'
import { prepareService } from '../../src/usecases/commands/prepare-service.js'
import { HeimdallAPIClient } from './api-client.js'
import { backends, createMigratedTestDatabase, type Backend, type TestDatabase } from './db.js'
import { freePort } from './free-port.js'
export { freePort }

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789'
export const TEST_PASSWORD = 'Secure-Pass-123'

/**
 * bcrypt at cost 4 for test servers: the same library and code path as production's cost 10 or more
 * at 1/64 of the work (about 2 ms a hash here instead of 70 to 200), so that the suite's thousands of
 * registrations and sign-ins do not cost minutes of CPU. Hashes made at any cost check at any other.
 */
export const CHEAP_PASSWORDS: PasswordHasher = createPasswordHasher(4)

export interface TestServer {
  backend: Backend
  url: string
  client: HeimdallAPIClient
  context: Context
  database: TestDatabase
  /** The environment a CLI process needs to share this server's database and secret. */
  env: Record<string, string>
  /** The hasher it was built with (undefined: the configured bcrypt cost); a second instance shares it. */
  passwords: PasswordHasher | undefined
  close(): Promise<void>
}

export interface TestServerOptions {
  /** Settings on top of the test defaults (HEIMDALL_* variables). */
  env?: Record<string, string>
  /** When given, the server logs at debug level into this array, one JSON line per entry. */
  logLines?: string[]
  /** A fixed port (default: a random one), for tests whose public URL must name it (WebAuthn origins). */
  port?: number
  /**
   * `production` hashes at the configured HEIMDALL_BCRYPT_COST (10), for tests whose assertion is
   * about bcrypt's time (an unknown email costs a comparison too); default `cheap` (CHEAP_PASSWORDS).
   */
  hashing?: 'cheap' | 'production'
  /** The server's clock (ContextOptions.clock; default: the system clock): createTestClock() moves it by hand. */
  clock?: Clock
}

/** A real Heimdall on a random port over a fresh database, built the way `heimdall serve` builds it. */
export async function startTestServer(backend: Backend, options: TestServerOptions = {}): Promise<TestServer> {
  const database = await createMigratedTestDatabase(backend)
  const serverEnv = {
    HEIMDALL_DATABASE_URL: database.url,
    HEIMDALL_JWT_SECRET: TEST_SECRET,
    HEIMDALL_BCRYPT_COST: '10',
    HEIMDALL_SECRET_FILE: `${database.dir}/jwt-secret`,
    // Named, so that MySQL servers (which refuse an unnamed one) generate it too; CLI runs share it.
    HEIMDALL_DATA_KEY_FILE: `${database.dir}/data-keys`,
    // A mail whose first try failed on a loaded machine goes again in a second, not in 30.
    HEIMDALL_MAIL_RETRY_MS: '1000',
    // HEIMDALL_TEST_LOG_LEVEL=warn (say) shows the test servers' logs on stdout when chasing a failure.
    HEIMDALL_LOG_LEVEL: options.logLines ? 'debug' : (process.env.HEIMDALL_TEST_LOG_LEVEL ?? 'silent'),
    ...options.env,
  }
  const logDestination = options.logLines ? { write: (line: string) => void options.logLines!.push(line) } : undefined
  const passwords = options.hashing === 'production' ? undefined : CHEAP_PASSWORDS
  const context = createContext(loadConfig(serverEnv), { watchRevocations: true, logDestination, passwords, clock: options.clock })
  // The signing key is left to first use, as a server that has never signed finds it: the key tests
  // cover that path, and serve's own start-up (which prepares it) is tested through the CLI.
  await prepareService(context, { migrate: true, prepareSigningKey: false })
  const running = await startHttpServer(context, { host: '127.0.0.1', port: options.port ?? 0 })
  return {
    backend,
    url: running.url,
    client: new HeimdallAPIClient(running.url),
    context,
    database,
    env: serverEnv,
    passwords,
    async close() {
      await running.close(1000)
      await context.close()
      await database.drop()
    },
  }
}

/**
 * Another Heimdall instance on the same database as `server` (its own process state: caches, mail
 * sender), with `env` on top of the first one's settings. Closing it leaves the database alone.
 */
export async function startSecondInstance(server: TestServer, env: Record<string, string> = {}): Promise<Omit<TestServer, 'database' | 'backend' | 'passwords'>> {
  const instanceEnv = { ...server.env, ...env }
  const context = createContext(loadConfig(instanceEnv), { watchRevocations: true, passwords: server.passwords })
  await prepareService(context, { migrate: false, prepareSigningKey: false })
  const running = await startHttpServer(context, { host: '127.0.0.1', port: 0 })
  return {
    url: running.url,
    client: new HeimdallAPIClient(running.url),
    context,
    env: instanceEnv,
    async close() {
      await running.close(1000)
      await context.close()
    },
  }
}

/** Registers one test per backend, each with its own server and clean database, torn down afterwards. */
export function serverTest(title: string, run: (t: ExecutionContext, server: TestServer) => Promise<void>, options?: TestServerOptions): void {
  registerServerTests(test, title, run, options)
}

/**
 * Like serverTest, but AVA runs these one at a time, before the file's concurrent tests: for timing
 * assertions that the other tests of the same worker would otherwise disturb.
 */
export function serialServerTest(title: string, run: (t: ExecutionContext, server: TestServer) => Promise<void>, options?: TestServerOptions): void {
  registerServerTests(test.serial, title, run, options)
}

function registerServerTests(
  register: typeof test | typeof test.serial,
  title: string,
  run: (t: ExecutionContext, server: TestServer) => Promise<void>,
  options?: TestServerOptions,
): void {
  for (const backend of backends()) {
    register(`${title} [${backend}]`, async (t) => {
      const server = await startTestServer(backend, options)
      try {
        await run(t, server)
      } finally {
        await server.close()
      }
    })
  }
}

let sequence = 0
/** An email no other test in this process uses. */
export function uniqueEmail(label = 'user'): string {
  return `${label}.${process.pid}.${++sequence}.${Date.now()}@example.com`
}

