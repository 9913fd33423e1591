import { serverTest, TEST_PASSWORD, uniqueEmail } from '../../support/server.js'

serverTest('bodies over 64 KB answer 413', async (t, server) => {
  const huge = await server.client.register(uniqueEmail(), 'A1' + 'a'.repeat(70 * 1024))
  t.is(huge.statusCode, 413)
  t.is(huge.body.status_code, 413)
  const justUnder = await server.client.post('auth/validate', { token: 'x'.repeat(60 * 1024) })
  t.is(justUnder.statusCode, 200)
})

serverTest('malformed or non-JSON bodies answer 400, never 500', async (t, server) => {
  for (const [body, type] of [
    ['{"email": ', 'application/json'],
    ['email=a@example.com&password=x', 'application/x-www-form-urlencoded'],
    ['\u0000\u0001binary', 'application/octet-stream'],
  ]) {
    const response = await server.client.postRaw('auth/login', body, type)
    t.is(response.statusCode, 400, body)
    t.is(response.body.path, '/auth/login')
  }
})

serverTest('JSON that is not an object, or has wrong types, answers 422', async (t, server) => {
  for (const body of ['[]', 'null', '"text"', '42', '{"email": ["a@example.com"], "password": "Secure-Pass-123"}', '{"email": "a@example.com", "password": {"$gt": ""}}']) {
    const response = await server.client.postRaw('auth/register', body)
    t.is(response.statusCode, 422, body)
    t.is(response.body.error, 'Validation error')
  }
})

serverTest('unknown extra fields are ignored', async (t, server) => {
  const email = uniqueEmail('extra')
  const response = await server.client.post('auth/register', { email, password: TEST_PASSWORD, is_admin: true, roles: ['admin'] })
  t.is(response.statusCode, 200)
  const { accessToken } = await server.client.loginTokens(email, TEST_PASSWORD)
  t.deepEqual((await server.client.validate(accessToken)).body.permissions, ['session:read', 'user:read'])
})

serverTest('emails over 254 characters answer 422', async (t, server) => {
  const long = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(60)}.com`
  t.true(long.length > 254)
  const response = await server.client.register(long, TEST_PASSWORD)
  t.is(response.statusCode, 422)
  t.regex(JSON.stringify(response.body.detail), /at most 254/)
})
