import { claimsOf, signWith } from '../../../support/jwt.js'
import { serverTest, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../../support/server.js'

const INTROSPECTION_TOKEN = 'introspection-token-long-enough-0123456789abcdef'

function introspect(server: TestServer, form: Record<string, string>, headers: Record<string, string> = {}) {
  return server.client.http.post<Record<string, any>>('oauth/introspect', { form, headers })
}

serverTest('a live access token is active, with the RFC 7662 fields', async (t, server) => {
  const email = uniqueEmail('introspect')
  const { userId, accessToken } = await server.client.registerAndLogin(email, TEST_PASSWORD)
  const response = await introspect(server, { token: accessToken, token_type_hint: 'access_token' })
  t.is(response.statusCode, 200)
  t.is(response.headers['cache-control'], 'no-store')
  const claims = claimsOf(accessToken)
  t.deepEqual(response.body, {
    active: true,
    sub: userId,
    exp: claims.exp,
    iat: claims.iat,
    iss: 'heimdall',
    scope: claims.permissions.join(' '),
    username: email,
    email,
    email_verified: false,
    token_type: 'access_token',
    sid: claims.sid,
    amr: ['pwd'],
  })
  t.true(response.body.scope.length > 0, 'the default role grants permissions')

  const validated = await server.client.validate(accessToken)
  t.deepEqual(response.body.scope.split(' '), validated.body.permissions, 'the same answer as /auth/validate')
})

serverTest('expired, revoked, garbage and refresh tokens are not active', async (t, server) => {
  const email = uniqueEmail('introspect')
  await server.client.register(email, TEST_PASSWORD)
  const live = await server.client.loginTokens(email, TEST_PASSWORD)
  const revoked = await server.client.loginTokens(email, TEST_PASSWORD)
  t.is((await server.client.logout(revoked.accessToken)).statusCode, 204)
  const now = Math.floor(Date.now() / 1000)
  const candidates = {
    expired: signWith(live.accessToken, { iat: now - 120, exp: now - 60 }),
    revoked: revoked.accessToken,
    garbage: 'not-a-token',
    refresh: live.refreshToken,
    'refresh with hint': live.refreshToken,
    'wrong signature': `${live.accessToken.slice(0, -4)}AAAA`,
  }
  for (const [label, token] of Object.entries(candidates)) {
    const response = await introspect(server, label === 'refresh with hint' ? { token, token_type_hint: 'refresh_token' } : { token })
    t.is(response.statusCode, 200, label)
    t.deepEqual(response.body, { active: false }, label)
  }
  t.true((await introspect(server, { token: live.accessToken })).body.active, 'the live one still is')
})

serverTest('a missing, empty or repeated token is invalid_request; a JSON body is refused', async (t, server) => {
  for (const body of ['', 'token_type_hint=access_token', 'token=', 'token=a&token=b']) {
    const response = await server.client.postRaw('oauth/introspect', body, 'application/x-www-form-urlencoded')
    t.is(response.statusCode, 400, body)
    t.is(response.body.error, 'invalid_request', body)
    t.is(typeof response.body.error_description, 'string')
  }
  const noBody = await server.client.http.post<Record<string, any>>('oauth/introspect')
  t.is(noBody.statusCode, 400)
  t.is(noBody.body.error, 'invalid_request')

  const json = await server.client.post('oauth/introspect', { token: 'x' })
  t.is(json.statusCode, 415)
  t.is(json.body.error, 'invalid_request')

  const large = await server.client.postRaw('oauth/introspect', `token=${'a'.repeat(70_000)}`, 'application/x-www-form-urlencoded')
  t.is(large.statusCode, 413)
  t.is(large.body.error, 'invalid_request')

  t.is((await server.client.http.get('oauth/introspect')).statusCode, 405)
})

serverTest('introspection is not rate limited', async (t, server) => {
  const statuses = new Set<number>()
  for (let i = 0; i < 8; i++) statuses.add((await introspect(server, { token: 'x' })).statusCode)
  t.deepEqual([...statuses], [200])
}, { env: { HEIMDALL_RATE_LIMIT_PER_MINUTE: '3' } })

serverTest(
  'with HEIMDALL_INTROSPECTION_TOKEN set, callers must present it',
  async (t, server) => {
    const { accessToken } = await server.client.registerAndLogin(uniqueEmail('introspect'), TEST_PASSWORD)
    for (const authorization of [undefined, 'Bearer wrong', `Basic ${INTROSPECTION_TOKEN}`, `Bearer ${accessToken}`]) {
      const response = await introspect(server, { token: accessToken }, authorization ? { authorization } : {})
      t.is(response.statusCode, 401, String(authorization).slice(0, 20))
      t.is(response.body.error, 'invalid_token')
      t.regex(response.headers['www-authenticate'] ?? '', /^Bearer/)
    }
    const allowed = await introspect(server, { token: accessToken }, { authorization: `Bearer ${INTROSPECTION_TOKEN}` })
    t.is(allowed.statusCode, 200)
    t.true(allowed.body.active)
  },
  { env: { HEIMDALL_INTROSPECTION_TOKEN: INTROSPECTION_TOKEN } },
)

serverTest('introspection is documented in the OpenAPI document, with /metrics', async (t, server) => {
  const document = (await server.client.openapi()).body
  const introspection = document.paths['/oauth/introspect'].post
  t.truthy(introspection.requestBody.content['application/x-www-form-urlencoded'])
  const component = (id: string) => document.components.schemas[id]
  t.deepEqual(component('IntrospectionRequest').required, ['token'])
  t.truthy(component('IntrospectionResponse').properties.active)
  t.truthy(component('OAuthErrorResponse').properties.error_description)
  t.deepEqual(Object.keys(introspection.responses).sort(), ['200', '400', '401', '413', '415', '503'])
  t.truthy(document.paths['/metrics'].get.responses['200'].content['text/plain; version=0.0.4; charset=utf-8'])
})
