// Every error body names its stable code (errors.ts) beside the contract's fields, in each of the
// three shapes the API answers in: the plain one, the 422 validation one and the OAuth one.
import { serverTest, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'

type Body = Record<string, any>

function post(server: TestServer, path: string, json: object) {
  return server.client.http.post<Body>(path, { json })
}

serverTest('the plain shape: {error, status_code, path} and the code a client branches on', async (t, server) => {
  const missing = await server.client.http.get<Body>('auth/no-such-route')
  t.deepEqual(missing.body, { error: 'Not found', status_code: 404, path: '/auth/no-such-route', code: 'route.not_found' })

  const email = uniqueEmail('codes')
  t.is((await server.client.register(email, TEST_PASSWORD)).statusCode, 200)
  const taken = await server.client.register(email, TEST_PASSWORD)
  t.is(taken.body.code, 'user.email_taken')
  t.is(taken.body.status_code, 400)

  const wrong = await server.client.login(email, 'Not-The-Password-1')
  t.is(wrong.statusCode, 400)
  t.is(wrong.body.code, 'auth.invalid_credentials')

  const anonymous = await server.client.http.get<Body>('auth/me')
  t.is(anonymous.statusCode, 401)
  t.is(anonymous.body.code, 'auth.missing_token')

  const malformed = await server.client.http.post<Body>('auth/login', { body: '{"email":', headers: { 'content-type': 'application/json' } })
  t.is(malformed.statusCode, 400)
  t.is(malformed.body.code, 'request.malformed_json')
})

serverTest('a locked account says auth.locked, the message free to change', async (t, server) => {
  const email = uniqueEmail('locked-code')
  t.is((await server.client.register(email, TEST_PASSWORD)).statusCode, 200)
  const answers = []
  for (let attempt = 0; attempt < 6; attempt++) answers.push(await server.client.login(email, `Wrong-Password-${attempt}`))
  const locked = answers.at(-1)!
  t.is(locked.statusCode, 429)
  t.is(locked.body.code, 'auth.locked')
  t.truthy(locked.headers['retry-after'])
})

serverTest('the validation shape carries validation.failed, each field located in the body', async (t, server) => {
  const invalid = await post(server, 'auth/register', { email: 'not-an-address', password: 'short' })
  t.is(invalid.statusCode, 422)
  t.is(invalid.body.code, 'validation.failed')
  t.is(invalid.body.error, 'Validation error')
  t.deepEqual(invalid.body.detail.map((detail: Body) => detail.loc), [['body', 'email']])

  // A rule the use case applies (not the schema) is located in the body by the HTTP door too.
  const short = await post(server, 'auth/login', { email: uniqueEmail('short'), password: 'short' })
  t.is(short.statusCode, 422)
  t.deepEqual(short.body.detail.map((detail: Body) => detail.loc), [['body', 'password']])
})

serverTest('the OAuth shape keeps RFC 6749 error and adds the code', async (t, server) => {
  const json = await post(server, 'oauth/introspect', { token: 'anything' })
  t.is(json.statusCode, 415)
  t.is(json.body.error, 'invalid_request')
  t.is(json.body.code, 'request.unsupported_media_type')
  t.is(typeof json.body.error_description, 'string')
})
