import test from 'ava'
import type { Knex } from 'knex'
import { databaseTypeOf } from '../../../src/config.js'
import { createKnex } from '../../../src/infra/db/knex.js'
import { migrateLatest } from '../../../src/infra/db/migrate.js'
import { runCli } from '../../support/cli.js'
import { backends, createTestDatabase } from '../../support/db.js'
import { eventually } from '../../support/eventually.js'
import { claimsOf } from '../../support/jwt.js'
import { letTimePass } from '../../support/let-time-pass.js'
import { startTestServer, TEST_PASSWORD, uniqueEmail } from '../../support/server.js'

/**
 * The "replica" is a second database that replicates only what the test copies into it: a replica
 * lagging as far behind as a test needs. What the server answers then shows where it read from.
 */
async function copySessionToReplica(primary: Knex, replica: Knex, sessionId: string, changes: { email?: string } = {}): Promise<void> {
  const session = await primary('sessions').where({ id: sessionId }).first()
  const user = await primary('users').where({ id: session.user_id }).first()
  if (!(await replica('users').where({ id: user.id }).first())) {
    await replica('users').insert({ ...user, ...changes })
    await replica('user_roles').insert(await primary('user_roles').where({ user_id: user.id }))
  }
  await replica('sessions').insert(session)
}

for (const backend of backends()) {
  test(`with a read replica, validation reads the replica, yet sees a login and a revocation the replica has not [${backend}]`, async (t) => {
    const replicaDatabase = await createTestDatabase(backend)
    const replica = createKnex(replicaDatabase.url, databaseTypeOf(replicaDatabase.url))
    await migrateLatest(replica)
    const server = await startTestServer(backend, { env: { HEIMDALL_DATABASE_READ_URL: replicaDatabase.url, HEIMDALL_REVOCATION_POLL_MS: '100', HEIMDALL_REPLICA_MAX_LAG: '1s' } })
    try {
      const { client, context } = server
      const email = uniqueEmail('replica')
      await client.register(email, TEST_PASSWORD)

      const fresh = await client.loginTokens(email, TEST_PASSWORD)
      t.true((await client.validate(fresh.accessToken)).body.is_valid, 'a login the replica has not seen yet validates at once')

      // A session the replica has, under a user whose email differs there: the answer shows the source.
      const second = await client.loginTokens(email, TEST_PASSWORD)
      await copySessionToReplica(context.db, replica, claimsOf(second.accessToken).sid, { email: `replica-copy-${email}` })
      // The registration is a change the poll saw: for one replica lag the user is read from the primary.
      // Validating to see when that ends would cache the primary's answer, and the lag is whole seconds.
      await letTimePass(1200, 'the replica-lag window (HEIMDALL_REPLICA_MAX_LAG 1 s, its least) after the poll saw the registration')
      const fromReplica = await client.validate(second.accessToken)
      t.true(fromReplica.body.is_valid)
      t.is(fromReplica.body.email, `replica-copy-${email}`, 'the query side read the replica')

      t.is((await client.logout(second.accessToken)).statusCode, 204)
      t.truthy(await replica('sessions').where({ id: claimsOf(second.accessToken).sid }).whereNull('revoked_at').first(), 'the replica has not caught up')
      const afterLogout = await client.validate(second.accessToken)
      t.false(afterLogout.body.is_valid, 'the replica still says live; a just-changed session is read from the primary')

      // A revocation made by another process reaches the server through its poll of the primary.
      const third = await client.loginTokens(email, TEST_PASSWORD)
      await copySessionToReplica(context.db, replica, claimsOf(third.accessToken).sid)
      t.true((await client.validate(third.accessToken)).body.is_valid)
      t.is((await runCli(['session:revoke', claimsOf(third.accessToken).sid], { env: server.env })).code, 0)
      const seen = await eventually(async () => !(await client.validate(third.accessToken)).body.is_valid, 1000)
      t.not(seen, undefined, 'the CLI revocation is seen within 1 s although the replica still has the session live')

      const listed = await runCli(['session:list', email, '--json'], { env: server.env })
      t.is(listed.code, 0)
      t.is(JSON.parse(listed.stdout).length, 2, 'session:list is a query: it reads the replica, which holds two of the three sessions')
    } finally {
      await server.close()
      await replica.destroy()
      await replicaDatabase.drop()
    }
  })
}

test('a read replica of another kind of database is refused at start-up', async (t) => {
  const result = await runCli(['migrate:status'], { env: { HEIMDALL_DATABASE_URL: 'sqlite::memory:', HEIMDALL_DATABASE_READ_URL: 'mysql://root@127.0.0.1:3306/test' } })
  t.not(result.code, 0)
  t.regex(result.stderr, /HEIMDALL_DATABASE_READ_URL must be the same kind of database/)
})
