import bcrypt from 'bcrypt'
import { runCli } from '../../support/cli.js'
import { serverTest, uniqueEmail, type TestServer } from '../../support/server.js'

/** Exactly bcrypt's 72 bytes. */
const PASSWORD_72 = `Aa1${'x'.repeat(69)}`

async function failedLogins(server: TestServer, email: string): Promise<number> {
  const user = await server.context.db('users').where({ email }).first('id')
  const counted = await server.context.db('audit_events').where({ type: 'login.failed', user_id: user.id }).count({ count: '*' }).first()
  return Number(counted!.count)
}

serverTest('login compares every byte: a 72-byte password plus any tail never matches, and counts as a failure', async (t, server) => {
  const email = uniqueEmail('bytes72')
  t.is((await server.client.register(email, PASSWORD_72)).statusCode, 200)
  for (const tail of ['Q', 'x', 'anything at all']) {
    const longer = await server.client.login(email, PASSWORD_72 + tail)
    t.is(longer.statusCode, 400, `72 bytes + ${JSON.stringify(tail)}`)
    t.is(longer.body.error, 'Incorrect email or password')
  }
  t.is(await failedLogins(server, email), 3, 'each over-long attempt is a failed attempt')
  t.is((await server.client.login(email, PASSWORD_72)).statusCode, 200, 'the password itself still logs in')
  t.is((await server.client.login(uniqueEmail('ghost'), PASSWORD_72 + 'Q')).statusCode, 400, 'an unknown email answers alike')
})

serverTest('a password over 72 bytes never matches, even a hash stored from it (an import, an older version)', async (t, server) => {
  const email = uniqueEmail('imported')
  t.is((await server.client.register(email, 'Secure-Pass-123')).statusCode, 200)
  // bcrypt truncates: this hash is the hash of the first 72 bytes, and bcrypt alone would match it.
  await server.context.db('users').where({ email }).update({ password_hash: await bcrypt.hash(`${PASSWORD_72}tail`, 10) })
  t.is((await server.client.login(email, `${PASSWORD_72}tail`)).statusCode, 400)
  t.is(await failedLogins(server, email), 1)
})

serverTest('the CLI sets passwords under the same byte limit: user:create and user:set-password refuse 73 bytes', async (t, server) => {
  const email = uniqueEmail('cli72')
  const tooLong = await runCli(['user:create', email, '--password-stdin'], { env: server.env, input: `${PASSWORD_72}Q` })
  t.is(tooLong.code, 65)
  t.regex(tooLong.stderr, /72 bytes/)

  const created = await runCli(['user:create', email, '--password-stdin'], { env: server.env, input: PASSWORD_72 })
  t.is(created.code, 0, created.stderr)
  t.is((await server.client.login(email, `${PASSWORD_72}Q`)).statusCode, 400, 'a user made by the CLI is compared on every byte too')

  const setTooLong = await runCli(['user:set-password', email, '--password-stdin'], { env: server.env, input: `Bb2${'y'.repeat(70)}` })
  t.is(setTooLong.code, 65)
  t.regex(setTooLong.stderr, /72 bytes/)
  t.is((await server.client.login(email, PASSWORD_72)).statusCode, 200, 'a refused change leaves the password as it was')

  const next = `Bb2${'y'.repeat(69)}`
  t.is((await runCli(['user:set-password', email, '--password-stdin'], { env: server.env, input: next })).code, 0)
  t.is((await server.client.login(email, `${next}Q`)).statusCode, 400)
  t.is((await server.client.login(email, next)).statusCode, 200)
})
