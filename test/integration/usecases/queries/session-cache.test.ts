import { eventually } from '../../../support/eventually.js'
import { letTimePass } from '../../../support/let-time-pass.js'
import { serverTest, TEST_PASSWORD, uniqueEmail } from '../../../support/server.js'

/**
 * The revocation poller evicts cached sessions of users changed since its last poll. A user row
 * that was only inserted (a registration) changes no session, so it must not evict one: a session
 * cached a moment after its user registered would otherwise be read again, and during a database
 * outage that read answers 503 where the cache should have answered (the database-outage test).
 */
const POLL_MS = 100

serverTest(
  'a registration seen by the revocation poller does not evict the new user\'s cached session; a change to the user does',
  async (t, server) => {
    const email = uniqueEmail('cache')
    const { accessToken, userId } = await server.client.registerAndLogin(email, TEST_PASSWORD)
    t.true((await server.client.validate(accessToken)).body.is_valid)
    const cachedAt = server.context.sessionStates.stats()

    await letTimePass(POLL_MS * 2.5, 'a negative check: the revocation poller (every POLL_MS, reporting no passes) has read the registration, whenever in its interval it came')
    t.true((await server.client.validate(accessToken)).body.is_valid)
    const later = server.context.sessionStates.stats()
    t.is(later.misses, cachedAt.misses, 'answered from the cache: nothing evicted it')
    t.is(later.hits, cachedAt.hits + 1)

    // A real change, made the way another process makes it (the row only): the poller evicts.
    await server.context.users.updateUserDisabled(userId, true, Date.now())
    t.truthy(await eventually(async () => server.context.sessionStates.stats().keys < later.keys, 10_000), 'the poller evicted the session')
    const validation = await server.client.validate(accessToken)
    t.false(validation.body.is_valid, 'the disabled user is read again and refused')
    t.is(server.context.sessionStates.stats().misses, later.misses + 1)
  },
  { env: { HEIMDALL_REVOCATION_POLL_MS: String(POLL_MS) } },
)
