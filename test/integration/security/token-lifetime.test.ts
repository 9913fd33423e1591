import { runCli } from '../../support/cli.js'
import { claimsOf } from '../../support/jwt.js'
import { serverTest, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'
import type { ExecutionContext } from 'ava'

/** Sessions of 5 s (the refresh token's lifetime) under access tokens of an hour. */
const SHORT_SESSIONS = { HEIMDALL_ACCESS_TOKEN_TTL: '1h', HEIMDALL_REFRESH_TOKEN_TTL: '5s' }

/** The token ends no later than its session: exp (and expires_in) at most 5 s away. */
async function assertEndsWithSession(t: ExecutionContext, server: TestServer, body: Record<string, any>, what: string) {
  const claims = claimsOf(body.access_token) as { sid: string; iat: number; exp: number }
  const session = await server.context.db('sessions').where({ id: claims.sid }).first('expires_at')
  t.true(claims.exp * 1000 <= Number(session.expires_at), `${what}: exp ${claims.exp} passes the session's end ${session.expires_at}`)
  // Not an hour: at most the session's 5 s (less on a machine slow enough to let a second pass before signing).
  t.true(body.expires_in <= 5 && body.expires_in >= 0, `${what}: expires_in ${body.expires_in}`)
  t.is(body.expires_in, claims.exp - claims.iat, `${what}: expires_in is exp - iat`)
}

serverTest(
  "an access token never outlives its session: login and refresh cut exp at the session's end",
  async (t, server) => {
    const email = uniqueEmail('short-session')
    await server.client.register(email, TEST_PASSWORD)
    const login = await server.client.login(email, TEST_PASSWORD)
    t.is(login.statusCode, 200)
    await assertEndsWithSession(t, server, login.body, 'login')

    const refreshed = await server.client.refresh(login.body.refresh_token)
    t.is(refreshed.statusCode, 200)
    await assertEndsWithSession(t, server, refreshed.body, 'refresh')
  },
  { env: SHORT_SESSIONS },
)

serverTest(
  'with keys published at the JWKS endpoint (EdDSA), the signed exp itself ends with the session',
  async (t, server) => {
    const email = uniqueEmail('short-session-jwks')
    await server.client.register(email, TEST_PASSWORD)
    const login = await server.client.login(email, TEST_PASSWORD)
    t.is(login.statusCode, 200)
    await assertEndsWithSession(t, server, login.body, 'login')
  },
  { env: { ...SHORT_SESSIONS, HEIMDALL_JWT_ALG: 'EdDSA' } },
)

serverTest('token:issue binds its token to a session that ends when the token does', async (t, server) => {
  const email = uniqueEmail('issued')
  await server.client.register(email, TEST_PASSWORD)
  const issued = await runCli(['token:issue', email, '--ttl', '2h', '--json'], { env: server.env })
  t.is(issued.code, 0, issued.stderr)
  const body = JSON.parse(issued.stdout)
  const claims = claimsOf(body.access_token) as { exp: number; iat: number }
  t.is(body.expires_in, 7200)
  t.is(claims.exp - claims.iat, 7200)
  const session = await server.context.db('sessions').where({ id: body.session_id }).first('expires_at')
  t.true(claims.exp * 1000 <= Number(session.expires_at))
})
