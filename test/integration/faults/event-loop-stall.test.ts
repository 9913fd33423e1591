// A Heimdall process that stops running for a while (starved of CPU, a long garbage collection)
// while MariaDB answers: the answers that came meanwhile are answers, not timeouts. Node runs due
// timers before it reads sockets, so plain deadline timers (the query deadline, mysql2's connect
// timeout) used to fire first: a login answered 503 "Database unavailable" although the database
// had answered in time. MariaDB only: SQLite has no network deadline.
import { createServer } from 'node:net'
import test from 'ava'
import { backends } from '../../support/db.js'
import { startTestServer, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'
import { createKnex } from '../../../src/infra/db/knex.js'
import { stallEventLoop } from '../../support/stall.js'

if (!backends().includes('mysql')) {
  test.skip('a stalled event loop on MariaDB: skipped, HEIMDALL_TEST_MYSQL_URL is not set (SQLite has no network deadline)', () => {})
} else {
  let server: TestServer
  test.before(async () => {
    server = await startTestServer('mysql', { env: { HEIMDALL_DATABASE_TIMEOUT: '1s' } })
  })
  test.after.always(async () => {
    await server?.close()
  })

  test.serial('a login whose queries are answered while the server is stalled past HEIMDALL_DATABASE_TIMEOUT answers 200, not 503', async (t) => {
    const email = uniqueEmail('stalled')
    t.is((await server.client.register(email, TEST_PASSWORD)).statusCode, 200)
    let stalls = 0
    // The login's first two queries: once each is sent (its deadline armed), the process stops for 1.5 s.
    const stallAfterSend = () => {
      if (++stalls <= 2) setImmediate(() => stallEventLoop(1500))
    }
    server.context.db.on('query', stallAfterSend)
    try {
      const login = await server.client.login(email, TEST_PASSWORD)
      t.is(login.statusCode, 200, JSON.stringify(login.body))
    } finally {
      server.context.db.off('query', stallAfterSend)
    }
    t.true(stalls >= 2, `${stalls} queries`)
  })

  test.serial('a new MariaDB connection whose handshake came in while the process was stalled past the connect timeout (5 s) connects', async (t) => {
    const db = createKnex(server.database.url, 'mysql')
    const pool = (db.client as { pool: { on(event: string, listener: () => void): void } }).pool
    let stalls = 0
    // Once the TCP connection is under way (its deadline armed), the process stops for 5.5 s.
    pool.on('createRequest', () => {
      stalls++
      setImmediate(() => stallEventLoop(5500))
    })
    try {
      const [rows] = (await db.raw('SELECT 1 AS answer')) as [Array<{ answer: number }>]
      t.is(Number(rows[0].answer), 1)
      t.is(stalls, 1)
    } finally {
      await db.destroy()
    }
  })

  test.serial('a MariaDB that accepts the connection and never answers still fails the connect, with ETIMEDOUT', async (t) => {
    const silent = createServer(() => {})
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const port = (silent.address() as { port: number }).port
    const db = createKnex(`mysql://root@127.0.0.1:${port}/none`, 'mysql')
    const started = performance.now()
    try {
      const error = await t.throwsAsync(db.raw('SELECT 1'))
      t.regex(String((error as { code?: string }).code ?? error?.message), /ETIMEDOUT/)
      t.true(performance.now() - started >= 4900, 'not before the connect timeout')
    } finally {
      await db.destroy()
      silent.close()
    }
  })
}
