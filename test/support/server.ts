import test, { type ExecutionContext } from 'ava'
import type { Server } from 'node:http'
import { loadConfig } from '../../src/config.js'
import { createContext, type Context } from '../../src/context.js'
import type { Clock } from '../../src/infra/clock.js'
import { startHttpServer } from '../../src/http/server.js'
import { createPasswordHasher, type HashPolicy, type PasswordHasher } from '../../src/infra/passwords/password-hasher.js'
import { prepareService } from '../../src/usecases/service/prepare-service.js'
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
export const CHEAP_PASSWORDS: PasswordHasher = createPasswordHasher(cheapPolicy('bcrypt'))

/**
 * argon2id at 1 MiB and 2 passes for tests that choose it (`hashing: 'cheap-argon2id'`): the same
 * library and PHC strings as production's 19 MiB, about 2 ms a hash.
 */
export const CHEAP_ARGON2ID_PASSWORDS: PasswordHasher = createPasswordHasher(cheapPolicy('argon2id'))

/** A cheap policy of either algorithm; the queue is long enough that no test of the suite meets its bound by accident. */
export function cheapPolicy(algorithm: HashPolicy['algorithm'], overrides: Partial<HashPolicy> = {}): HashPolicy {
  // Four at once, as libuv's thread pool ran them before the queue: the file's servers share this hasher.
  return { algorithm, bcryptCost: 4, argon2: { memoryKib: 1024, iterations: 2, parallelism: 1 }, concurrency: 4, maxWaiting: 100_000, ...overrides }
}

export interface TestServer {
  backend: Backend
  url: string
  /** The Node HTTP server answering at `url` (in this process). */
  http: Server
  client: HeimdallAPIClient
  context: Context
  database: TestDatabase
  /** The environment a CLI process needs to share this server's database and secret. */
  env: Record<string, string>
  /**
   * What the server logged at warn and above, one JSON line each, unless logLines or
   * HEIMDALL_TEST_LOG_LEVEL sends its log elsewhere: serverTest prints a failed test's share of them.
   */
  warnings: string[]
  /** The hasher it was built with (undefined: the configured bcrypt cost); a second instance shares it. */
  passwords: PasswordHasher | undefined
  /** Where its log lines go (logLines, its warnings; undefined: stdout); a second instance writes there too. */
  logDestination: { write(line: string): void } | undefined
  close(): Promise<void>
}

export interface TestServerOptions {
  /** Settings on top of the test defaults (HEIMDALL_* variables). */
  env?: Record<string, string>
  /** When given, the server logs at debug level into this array, one JSON line per entry. */
  logLines?: string[]
  /** A fixed port (default: a random one), for tests whose public URL must name it (WebAuthn origins). */
  port?: number
  /** A server and database of its own even without other options (see serverTest). */
  isolated?: boolean
  /**
   * `production` hashes at the configured HEIMDALL_BCRYPT_COST (10), for tests whose assertion is
   * about bcrypt's time (an unknown email costs a comparison too); default `cheap` (CHEAP_PASSWORDS);
   * `cheap-argon2id` (CHEAP_ARGON2ID_PASSWORDS), or a hasher of the test's own (cheapPolicy()).
   */
  hashing?: 'cheap' | 'cheap-argon2id' | 'production' | PasswordHasher
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
    // Every server of the suite polls while its file runs (a dozen at a time): at the defaults (250
    // and 100 ms) the revocation poller's three queries alone were a third of the suite's queries
    // (about 118,000 of 335,000 in a run of 2026-12-06). A test that waits for another process's
    // change (a second instance, a CLI command) polls for it with a deadline; one that holds the
    // product's bound sets the default back (configureFileServers in test/cli/admin, user-admin).
    HEIMDALL_REVOCATION_POLL_MS: '1000',
    HEIMDALL_SSF_PUSH_INTERVAL_MS: '1000',
    // A file's concurrent tests filled each MySQL and PostgreSQL pool to the default 10 connections, and
    // each PostgreSQL connection is a process of the server's that costs it about 24 ms of CPU to start
    // and to read its first tables' catalogues (measured 2026-12-07; 1,571 in one run). Four serve a
    // file's tests; a few DB-heavy files took about 5% less CPU.
    HEIMDALL_DATABASE_POOL_SIZE: '4',
    // HEIMDALL_TEST_LOG_LEVEL=warn (say) shows the test servers' logs on stdout when chasing a failure.
    HEIMDALL_LOG_LEVEL: options.logLines ? 'debug' : (process.env.HEIMDALL_TEST_LOG_LEVEL ?? 'silent'),
    ...options.env,
  }
  const warnings: string[] = []
  // Unless its log goes elsewhere, the server keeps its warnings for serverTest to print on failure;
  // serverEnv (which CLI runs share) stays silent, so that no log line mixes into a command's output.
  const keepsWarnings = !options.logLines && !process.env.HEIMDALL_TEST_LOG_LEVEL && !options.env?.HEIMDALL_LOG_LEVEL
  const logDestination = options.logLines
    ? { write: (line: string) => void options.logLines!.push(line) }
    : keepsWarnings
      ? { write: (line: string) => void warnings.push(line) }
      : undefined
  const passwords = options.hashing === 'production' ? undefined : options.hashing === 'cheap-argon2id' ? CHEAP_ARGON2ID_PASSWORDS : typeof options.hashing === 'object' ? options.hashing : CHEAP_PASSWORDS
  const config = loadConfig(keepsWarnings ? { ...serverEnv, HEIMDALL_LOG_LEVEL: 'warn' } : serverEnv)
  const context = createContext(config, { watchRevocations: true, logDestination, passwords, clock: options.clock })
  // The signing key is left to first use, as a server that has never signed finds it: the key tests
  // cover that path, and serve's own start-up (which prepares it) is tested through the CLI.
  let running: Awaited<ReturnType<typeof startHttpServer>>
  try {
    await prepareService(context, { migrate: true, prepareSigningKey: false })
    running = await startHttpServer(context, { host: '127.0.0.1', port: options.port ?? 0 })
  } catch (error) {
    // A server that did not start must not leave its pollers and pool running: they kept a test
    // process alive after its before hook failed (a fixed port taken, 2026-12-06), and the run with it.
    await context.close().catch(() => undefined)
    await database.drop().catch(() => undefined)
    throw error
  }
  return {
    backend,
    url: running.url,
    http: running.server,
    client: new HeimdallAPIClient(running.url),
    context,
    database,
    env: serverEnv,
    warnings,
    passwords,
    logDestination,
    async close() {
      await running.close(1000)
      await context.close()
      await database.drop()
    },
  }
}

/**
 * Another Heimdall instance on the same database as `server` (its own process state: caches, mail
 * sender), with `env` on top of the first one's settings and its own hasher when given (a changed hashing setting). Closing it leaves the database alone.
 */
export async function startSecondInstance(server: TestServer, env: Record<string, string> = {}, passwords: PasswordHasher | undefined = server.passwords): Promise<Omit<TestServer, 'database' | 'backend' | 'passwords' | 'warnings' | 'http' | 'logDestination'>> {
  const instanceEnv = { ...server.env, ...env }
  // Its log goes where the first one's does: the debug lines of a server given logLines went to the
  // run's stdout from its second instance (password-reset's, in every run).
  const context = createContext(loadConfig(instanceEnv), { watchRevocations: true, passwords, logDestination: server.logDestination })
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

/**
 * Registers one test per backend. Tests without options share one server per backend with the
 * other such tests of their file (started by the first that needs it, closed after the file's last
 * test): unique emails keep them apart, and a server start costs a MariaDB schema each. A test with
 * options (settings, log lines, a port) or `isolated: true` gets a server and database of its own:
 * for a test that changes or counts what every test of the file would see (signing keys, rows of a
 * whole table, metric totals, the lockout of the one test address). When a test fails, what its
 * server logged at warn or above during it is printed with the failure.
 */
export function serverTest(title: string, run: (t: ExecutionContext, server: TestServer) => Promise<void>, options?: TestServerOptions): void {
  registerServerTests(test, title, run, options)
}

/**
 * Like serverTest, with a server and database of its own: for a test that changes or counts what
 * the other tests of its file would see (rows of a whole table, metric totals, signing keys, the
 * database's availability). Say why beside it.
 */
export function isolatedServerTest(title: string, run: (t: ExecutionContext, server: TestServer) => Promise<void>, options?: TestServerOptions): void {
  registerServerTests(test, title, run, { ...options, isolated: true })
}

/**
 * Like serverTest, but AVA runs these one at a time, before the file's concurrent tests: for timing
 * assertions that the other tests of the same worker would otherwise disturb.
 */
export function serialServerTest(title: string, run: (t: ExecutionContext, server: TestServer) => Promise<void>, options?: TestServerOptions): void {
  registerServerTests(test.serial, title, run, options)
}

const fileServers = new Map<Backend, Promise<TestServer>>()
let fileServersClosed = false
let fileServerOptions: TestServerOptions = {}

/**
 * Settings for every server of this file's serverTests (a test's own options go on top), given at
 * the top of a file before its tests: for a file whose tests hold a bound at a production default
 * the test servers change (the revocation poll, above).
 */
export function configureFileServers(options: TestServerOptions): void {
  if (fileServers.size > 0) throw new Error('configureFileServers must come before the file\'s first server starts')
  fileServerOptions = options
}

/** This file's shared server on `backend`, started on first use; closed by the hook registered with the first serverTest. */
function fileServer(backend: Backend): Promise<TestServer> {
  if (fileServersClosed) throw new Error('the file\'s shared servers are already closed')
  let server = fileServers.get(backend)
  if (!server) {
    server = startTestServer(backend, fileServerOptions)
    fileServers.set(backend, server)
  }
  return server
}

function registerServerTests(
  register: typeof test | typeof test.serial,
  title: string,
  run: (t: ExecutionContext, server: TestServer) => Promise<void>,
  options?: TestServerOptions,
): void {
  const own = options !== undefined && Object.keys(options).length > 0
  if (!own && !registeredCloseHook) {
    registeredCloseHook = true
    test.after.always('close the file\'s shared servers', async () => {
      fileServersClosed = true
      await Promise.all([...fileServers.values()].map(async (server) => (await server).close()))
    })
  }
  for (const backend of backends()) {
    register(`${title} [${backend}]`, async (t) => {
      const server = own ? await startTestServer(backend, { ...fileServerOptions, ...options, env: { ...fileServerOptions.env, ...options.env } }) : await fileServer(backend)
      const logged = server.warnings.length
      try {
        await run(t, server)
      } catch (error) {
        printWarnings(t, server, logged)
        throw error
      } finally {
        if (own) await server.close()
      }
      if (!t.passed) printWarnings(t, server, logged)
    })
  }
}
let registeredCloseHook = false

function printWarnings(t: ExecutionContext, server: TestServer, from: number): void {
  const lines = server.warnings.slice(from)
  if (lines.length > 0) t.log(`the server logged during this test (warn and above):\n${lines.join('').trimEnd()}`)
}

let sequence = 0
/** An email no other test in this process uses. */
export function uniqueEmail(label = 'user'): string {
  return `${label}.${process.pid}.${++sequence}.${Date.now()}@example.com`
}

