import { serverTest, TEST_PASSWORD, uniqueEmail } from '../../support/server.js'

function passwordMessages(body: { detail?: Array<{ loc: string[]; msg: string }> }): string[] {
  return (body.detail ?? []).filter((detail) => detail.loc.join('.') === 'body.password').map((detail) => detail.msg)
}

serverTest('passwords over 72 UTF-8 bytes are refused, not truncated', async (t, server) => {
  const ascii = await server.client.register(uniqueEmail(), `Aa1${'x'.repeat(70)}`)
  t.is(ascii.statusCode, 422)
  t.true(passwordMessages(ascii.body).some((msg) => /72 bytes/.test(msg)))

  const emoji = `Aa1${'🔑'.repeat(18)}` // 21 characters, 75 bytes
  const multibyte = await server.client.register(uniqueEmail(), emoji)
  t.is(multibyte.statusCode, 422)
  t.is((await server.client.register(uniqueEmail(), `Aa1${'x'.repeat(69)}`)).statusCode, 200, 'exactly 72 bytes is fine')
})

serverTest('passwords need an upper-case letter, a lower-case letter and a digit', async (t, server) => {
  const cases: Array<[string, RegExp]> = [
    ['lowercase-only-1', /upper-case/],
    ['UPPERCASE-ONLY-1', /lower-case/],
    ['No-Digits-Here', /digit/],
  ]
  for (const [password, message] of cases) {
    const refused = await server.client.register(uniqueEmail(), password)
    t.is(refused.statusCode, 422, password)
    t.true(passwordMessages(refused.body).some((msg) => message.test(msg)), password)
  }
})

serverTest('the most common passwords are refused', async (t, server) => {
  for (const password of ['Password1', 'Qwerty123', 'Trustno1']) {
    const refused = await server.client.register(uniqueEmail(), password)
    t.is(refused.statusCode, 422, password)
    t.true(passwordMessages(refused.body).some((msg) => /most common/.test(msg)), password)
  }
})

serverTest('hashes are bcrypt at the configured cost with a unique salt each', async (t, server) => {
  const first = uniqueEmail('salt')
  const second = uniqueEmail('salt')
  await server.client.register(first, TEST_PASSWORD)
  await server.client.register(second, TEST_PASSWORD)
  const hashes: string[] = (await server.context.db('users').whereIn('email', [first, second]).select('password_hash')).map((row: { password_hash: string }) => row.password_hash)
  t.is(hashes.length, 2)
  for (const hash of hashes) t.regex(hash, /^\$2b\$10\$/)
  t.not(hashes[0].slice(0, 29), hashes[1].slice(0, 29), 'different salts')
}, { hashing: 'production' })
