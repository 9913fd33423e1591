import bcrypt from 'bcrypt'
import { runCli } from '../../support/cli.js'
import { serverTest, uniqueEmail } from '../../support/server.js'

// One password, typed three ways: precomposed "ä" (NFC), "a" + combining diaeresis (NFD, as macOS
// keyboards and file names produce), and with full-width digits (an East Asian input method).
const PRECOMPOSED = 'Gr\u00e4ss-Pass-123'
const DECOMPOSED = 'Gra\u0308ss-Pass-123'
const FULL_WIDTH = 'Gr\u00e4ss-Pass-\uff11\uff12\uff13'

serverTest('a password matches however its characters are composed (NFKC before hashing)', async (t, server) => {
  const email = uniqueEmail('nfkc')
  t.is((await server.client.register(email, DECOMPOSED)).statusCode, 200)
  for (const typed of [PRECOMPOSED, DECOMPOSED, FULL_WIDTH]) {
    t.is((await server.client.login(email, typed)).statusCode, 200, JSON.stringify(typed))
  }
  t.is((await server.client.login(email, 'Grass-Pass-123')).statusCode, 400, 'normalisation is not folding: "a" is not "ä"')

  const stored = await server.context.db('users').where({ email }).first('password_hash')
  t.true(await bcrypt.compare(PRECOMPOSED.normalize('NFKC'), stored.password_hash), 'the normalised form is what is hashed')
})

serverTest('a hash made before normalisation still logs in as typed, and is then replaced by a normalised one', async (t, server) => {
  const email = uniqueEmail('legacy')
  t.is((await server.client.register(email, 'Secure-Pass-123')).statusCode, 200)
  const legacyHash = await bcrypt.hash(DECOMPOSED, 10) // as an older Heimdall (or the service it replaced) stored it
  await server.context.db('users').where({ email }).update({ password_hash: legacyHash })
  t.is((await server.client.login(email, PRECOMPOSED)).statusCode, 400, 'before the rehash only the typed form matches')

  t.is((await server.client.login(email, DECOMPOSED)).statusCode, 200, 'the user logs in as always')
  const stored = await server.context.db('users').where({ email }).first('password_hash')
  t.not(stored.password_hash, legacyHash, 'rehashed on that login')
  t.is((await server.client.login(email, PRECOMPOSED)).statusCode, 200, 'from then on every spelling matches')
  t.is((await server.client.login(email, DECOMPOSED)).statusCode, 200)
})

serverTest('the 72-byte limit counts the normalised bytes', async (t, server) => {
  // U+FDFA is 3 bytes but NFKC spells it out as 18 characters (33 bytes): 17 bytes typed, 137 normalised.
  const expanding = `Aa1xx${'\ufdfa'.repeat(4)}`
  const refused = await server.client.register(uniqueEmail('expand'), expanding)
  t.is(refused.statusCode, 422)
  t.true(refused.body.detail.some((d: { loc: string[]; msg: string }) => d.loc.join('.') === 'body.password' && /72 bytes/.test(d.msg)))

  const email = uniqueEmail('expand-login')
  t.is((await server.client.register(email, 'Secure-Pass-123')).statusCode, 200)
  t.is((await runCli(['user:set-password', email, '--password-stdin'], { env: server.env, input: expanding })).code, 65)
})

serverTest('the CLI normalises too: user:create and user:set-password hash the NFKC form', async (t, server) => {
  const email = uniqueEmail('cli-nfkc')
  const created = await runCli(['user:create', email, '--password-stdin'], { env: server.env, input: DECOMPOSED })
  t.is(created.code, 0, created.stderr)
  t.is((await server.client.login(email, PRECOMPOSED)).statusCode, 200)

  const next = 'Ne\u0301w-Pass-456'
  const set = await runCli(['user:set-password', email, '--password-stdin'], { env: server.env, input: next })
  t.is(set.code, 0, set.stderr)
  t.is((await server.client.login(email, next.normalize('NFC'))).statusCode, 200)
})
