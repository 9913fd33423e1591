import { isolatedServerTest, TEST_PASSWORD, uniqueEmail } from '../../../support/server.js'

// Each test counts the users table: a server of its own each.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

isolatedServerTest('registration answers 200 with a UUID user id, the email and a confirmation message', async (t, server) => {
  const email = uniqueEmail('register')
  const response = await server.client.register(email, TEST_PASSWORD)
  t.is(response.statusCode, 200)
  t.deepEqual(Object.keys(response.body).sort(), ['email', 'message', 'user_id'])
  t.regex(response.body.user_id, UUID)
  t.is(response.body.email, email)
  t.is(response.body.message, 'User created successfully')
  t.is(response.headers['content-type']?.split(';')[0], 'application/json')

  const row = await server.context.db('users').where({ id: response.body.user_id }).first()
  t.truthy(row, 'the user is stored under the answered id')
  t.is(row.email, email)
  t.not(row.password_hash, TEST_PASSWORD, 'the password is not stored in clear')
})

isolatedServerTest('a duplicate email answers 400 with {error, status_code, path}', async (t, server) => {
  const email = uniqueEmail('dup')
  t.is((await server.client.register(email, TEST_PASSWORD)).statusCode, 200)
  const again = await server.client.register(email, 'Another-Pass-456')
  t.is(again.statusCode, 400)
  t.deepEqual(again.body, { error: again.body.error, status_code: 400, path: '/auth/register', code: 'user.email_taken' })
  t.is(typeof again.body.error, 'string')
  t.regex(again.body.error, /already registered/i)
  t.is(await countUsers(server), 1, 'no second user was created')
})

isolatedServerTest('emails are trimmed and lower-cased: a case or space variant is a duplicate', async (t, server) => {
  const email = uniqueEmail('Case.Mixed')
  const first = await server.client.register(email, TEST_PASSWORD)
  t.is(first.statusCode, 200)
  t.is(first.body.email, email.toLowerCase(), 'the stored email is lower-cased')

  for (const variant of [email.toUpperCase(), `  ${email}  `, `\t${email.toLowerCase()}\n`]) {
    const response = await server.client.register(variant, TEST_PASSWORD)
    t.is(response.statusCode, 400, JSON.stringify(variant))
    t.is(response.body.status_code, 400)
    t.is(response.body.path, '/auth/register')
  }
  t.is(await countUsers(server), 1)
})

isolatedServerTest('each invalid email answers 422 with a detail entry pointing at the email', async (t, server) => {
  for (const email of ['not-an-email', '@example.com', 'user@', 'user@@example.com', 'user.example.com', '']) {
    const response = await server.client.register(email, TEST_PASSWORD)
    t.is(response.statusCode, 422, JSON.stringify(email))
    t.is(response.body.error, 'Validation error')
    t.true(Array.isArray(response.body.detail))
    const entry = response.body.detail.find((d: { loc: string[] }) => d.loc.join('.') === 'body.email')
    t.truthy(entry, `detail for ${JSON.stringify(email)}: ${JSON.stringify(response.body.detail)}`)
    t.is(typeof entry.msg, 'string')
    t.regex(entry.msg, /email/i)
    t.is(typeof entry.type, 'string')
    t.false(response.body.detail.some((d: { loc: string[] }) => d.loc.join('.') === 'body.password'), 'the valid password is not blamed')
  }
  t.is(await countUsers(server), 0, 'nothing was stored')
})

isolatedServerTest('a password shorter than 8 characters answers 422 pointing at the password', async (t, server) => {
  for (const password of ['Sh0rt-A', 'Ab1', '']) {
    const response = await server.client.register(uniqueEmail('short'), password)
    t.is(response.statusCode, 422, password)
    t.is(response.body.error, 'Validation error')
    const entries = response.body.detail.filter((d: { loc: string[] }) => d.loc.join('.') === 'body.password')
    t.true(entries.length > 0, JSON.stringify(response.body.detail))
    t.true(entries.some((d: { msg: string }) => /at least 8/.test(d.msg)), JSON.stringify(entries))
  }
  t.is(await countUsers(server), 0)
})

isolatedServerTest('missing fields and wrong types answer 422 with one detail per bad field', async (t, server) => {
  const cases: Array<{ body: unknown; fields: string[] }> = [
    { body: {}, fields: ['email', 'password'] },
    { body: { email: uniqueEmail() }, fields: ['password'] },
    { body: { password: TEST_PASSWORD }, fields: ['email'] },
    { body: { email: 12345, password: TEST_PASSWORD }, fields: ['email'] },
    { body: { email: uniqueEmail(), password: 12345678 }, fields: ['password'] },
    { body: { email: null, password: ['x'] }, fields: ['email', 'password'] },
    { body: { email: { nested: true }, password: true }, fields: ['email', 'password'] },
  ]
  for (const { body, fields } of cases) {
    const response = await server.client.post('auth/register', body)
    t.is(response.statusCode, 422, JSON.stringify(body))
    t.is(response.body.error, 'Validation error')
    const locs = response.body.detail.map((d: { loc: string[] }) => d.loc.join('.')).sort()
    t.deepEqual([...new Set(locs)], fields.map((f) => `body.${f}`), JSON.stringify(body))
    for (const d of response.body.detail) {
      t.is(typeof d.msg, 'string')
      t.is(typeof d.type, 'string')
    }
  }
  const missing = await server.client.post('auth/register', { email: uniqueEmail() })
  t.is(missing.body.detail[0].msg, 'Field required')
  const wrongType = await server.client.post('auth/register', { email: 42, password: TEST_PASSWORD })
  t.is(wrongType.body.detail[0].msg, 'Input should be a valid string')
  t.is(await countUsers(server), 0)
})

isolatedServerTest('five registrations give five distinct UUIDs', async (t, server) => {
  const emails = Array.from({ length: 5 }, () => uniqueEmail('many'))
  const ids: string[] = []
  for (const email of emails) {
    const response = await server.client.register(email, TEST_PASSWORD)
    t.is(response.statusCode, 200)
    t.regex(response.body.user_id, UUID)
    ids.push(response.body.user_id)
  }
  t.is(new Set(ids).size, 5)
  t.is(await countUsers(server), 5)
})

async function countUsers(server: { context: { db: any } }): Promise<number> {
  const [{ count }] = await server.context.db('users').count({ count: '*' })
  return Number(count)
}
