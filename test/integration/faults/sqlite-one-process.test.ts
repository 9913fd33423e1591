import { monitorEventLoopDelay } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import test from 'ava'
import { createKnex } from '../../../src/infra/db/knex.js'
import { createTestDatabase } from '../../support/db.js'

// SQLite only: the fault is better-sqlite3's, which runs every statement on the calling thread.

test('two contexts on one SQLite file in one process: a write waits for the other\'s transaction without stopping the event loop', async (t) => {
  const database = await createTestDatabase('sqlite')
  // As the server and an in-process CLI command (or a second instance) each open the database.
  const server = createKnex(database.url, 'sqlite')
  const command = createKnex(database.url, 'sqlite')
  const loop = monitorEventLoopDelay({ resolution: 10 })
  try {
    await server.schema.createTable('notes', (table) => {
      table.increments('id')
      table.string('by').notNullable()
    })
    loop.enable()
    let committedAt = 0
    // A write transaction that awaits between its statements, as a use case's does.
    const holding = server.transaction(async (trx) => {
      await trx('notes').insert({ by: 'server' })
      await sleep(300)
      await trx('notes').insert({ by: 'server' })
    }).then(() => (committedAt = performance.now()))
    await sleep(50)
    const started = performance.now()
    await command('notes').insert({ by: 'command' })
    const wrote = performance.now()
    await holding
    loop.disable()

    t.true(wrote >= committedAt, 'the second write went in after the transaction committed')
    t.true(wrote - started < 3000, `the second write waited ${Math.round(wrote - started)} ms (busy_timeout would have held the thread 5000 ms)`)
    t.true(loop.max / 1e6 < 1000, `the event loop stopped for ${Math.round(loop.max / 1e6)} ms`)
    t.deepEqual((await command('notes').orderBy('id')).map((row) => row.by), ['server', 'server', 'command'])

    // Each handle is released on its own: the command's end leaves the server's working.
    await command.destroy()
    t.is((await server('notes').count({ n: '*' }))[0].n, 3)
  } finally {
    loop.disable()
    await command.destroy()
    await server.destroy()
    await database.drop()
  }
})
