import { isolatedServerTest, serverTest, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'

/** POST a JSON body to a path spelled as given (relative to the server's URL). */
function post(server: TestServer, path: string, json: unknown, headers: Record<string, string> = {}) {
  return server.client.http.post<Record<string, any>>(path, { json, headers })
}

serverTest(
  'the per-IP rate limit is shared by every spelling the router routes to the same handler',
  async (t, server) => {
    for (const path of ['auth/refresh', 'auth/refresh/', 'AUTH/Refresh']) t.is((await post(server, path, { refresh_token: 'hrt_nothing' })).statusCode, 401, path)
    for (const path of ['auth/refresh', 'AUTH/refresh', 'auth/refresh/', 'Auth/Refresh/?via=query']) {
      t.is((await post(server, path, { refresh_token: 'hrt_nothing' })).statusCode, 429, path)
    }

    const email = uniqueEmail('spellings')
    t.is((await server.client.register(email, TEST_PASSWORD)).statusCode, 200)
    for (const path of ['auth/login', 'auth/login/', 'AUTH/LOGIN']) t.is((await post(server, path, { email, password: TEST_PASSWORD })).statusCode, 200, path)
    for (const path of ['auth/login', 'auth/login/', 'AUTH/login']) {
      t.is((await post(server, path, { email, password: TEST_PASSWORD })).statusCode, 429, `${path}: the right password does not get past the limit either`)
    }
  },
  { env: { HEIMDALL_RATE_LIMIT_PER_MINUTE: '3' } },
)

serverTest('introspection is form-only, answers in the OAuth shape, and is never cached, on every spelling', async (t, server) => {
  const { accessToken } = await server.client.registerAndLogin(uniqueEmail('introspect-spelling'), TEST_PASSWORD)
  for (const path of ['oauth/introspect', 'OAUTH/introspect', 'oauth/introspect/', 'OAuth/Introspect/']) {
    const json = await post(server, path, { token: accessToken })
    t.is(json.statusCode, 415, `${path}: a JSON body is refused`)
    t.is(json.body.error, 'invalid_request', `${path}: the OAuth error shape`)
    t.is(typeof json.body.error_description, 'string', path)

    const form = await server.client.http.post<Record<string, any>>(path, { form: { token: accessToken } })
    t.is(form.statusCode, 200, path)
    t.true(form.body.active, path)
    t.is(form.headers['cache-control'], 'no-store', path)
  }
})

serverTest('the introspection media type is matched case-insensitively (RFC 9110 8.3.1)', async (t, server) => {
  const { accessToken } = await server.client.registerAndLogin(uniqueEmail('media-type'), TEST_PASSWORD)
  const body = new URLSearchParams({ token: accessToken }).toString()
  for (const type of ['Application/X-WWW-Form-Urlencoded', 'APPLICATION/X-WWW-FORM-URLENCODED; charset=UTF-8', ' application/x-www-form-urlencoded ;charset=utf-8']) {
    for (const path of ['oauth/introspect', 'OAUTH/introspect/']) {
      const response = await server.client.http.post<Record<string, any>>(path, { body, headers: { 'content-type': type } })
      t.is(response.statusCode, 200, `${path} ${type}`)
      t.true(response.body.active, `${path} ${type}`)
    }
  }
  const text = await server.client.http.post<Record<string, any>>('oauth/introspect', { body, headers: { 'content-type': 'text/plain' } })
  t.is(text.statusCode, 415, 'another media type is still refused')
})

// It takes the server out of readiness for a moment: a server of its own.
isolatedServerTest('readiness and the API headers hold on every spelling', async (t, server) => {
  const email = uniqueEmail('ready-spelling')
  t.is((await server.client.register(email, TEST_PASSWORD)).statusCode, 200)
  const validated = await post(server, 'AUTH/Validate/', { token: 'not-a-token' })
  t.is(validated.statusCode, 200)
  t.is(validated.headers['cache-control'], 'no-store')

  server.context.ready = false
  try {
    for (const path of ['auth/login', 'AUTH/login', 'auth/login/']) t.is((await post(server, path, { email, password: TEST_PASSWORD })).statusCode, 503, path)
  } finally {
    server.context.ready = true
  }
  t.is((await post(server, 'AUTH/login/', { email, password: TEST_PASSWORD })).statusCode, 200)
})
