// user:import cannot make an account anyone enters, nor leave in place what an old password got.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import bcrypt from 'bcrypt'
import { runCli } from '../support/cli.js'
import { serverTest, uniqueEmail } from '../support/server.js'

const dir = mkdtempSync(join(tmpdir(), 'heimdall-import-holes-'))
let files = 0
function jsonLines(records: Array<Record<string, unknown>>): string {
  const path = join(dir, `import-${++files}.jsonl`)
  writeFileSync(path, records.map((record) => JSON.stringify(record)).join('\n') + '\n')
  return path
}

serverTest('an imported $firebase-scrypt$ hash whose signer key and hash are empty is refused, not a hash every password matches', async (t, server) => {
  const email = uniqueEmail('firebase-empty')
  // "A" is base64 for zero bytes: signer key, salt and hash all empty, so the "hash" is as long as the key (0).
  const file = jsonLines([{ email, password_hash: '$firebase-scrypt$ln=1,r=1$$A$A$A', email_verified: true }])
  const result = await runCli(['user:import', file, '--json'], { env: server.env, timeoutMs: 120_000 })
  const stored = (await server.context.users.findUserByEmail(email))?.password_hash
  const login = await server.client.login(email, 'Any-Password-At-All-1')
  t.not(login.statusCode, 200, `any password signed in to the imported account (import said ${result.stdout.trim()}; stored ${stored})`)
})

serverTest('user:import --on-conflict update with a new password hash ends the sessions got with the old password, as user:set-password does; disabled: true ends them as user:disable does', async (t, server) => {
  const email = uniqueEmail('import-update')
  const oldPassword = 'Old-Password-123'
  t.is((await server.client.register(email, oldPassword)).statusCode, 200)
  const login = await server.client.login(email, oldPassword)
  t.is(login.statusCode, 200)
  const refreshToken = (login.body as { refresh_token: string }).refresh_token
  const newHash = await bcrypt.hash('New-Password-456', 4)
  const result = await runCli(['user:import', jsonLines([{ email, password_hash: newHash }]), '--on-conflict', 'update', '--json'], { env: server.env, timeoutMs: 120_000 })
  t.is(result.code, 0, result.stderr)
  t.is((await server.client.login(email, oldPassword)).statusCode, 400, 'the old password no longer signs in')
  const refreshed = await server.client.refresh(refreshToken)
  t.not(refreshed.statusCode, 200, 'a refresh token got with the old password still works after the import replaced the password')
  t.false((await server.client.validate((login.body as { access_token: string }).access_token)).body.is_valid, 'its access token is refused at once')
  const userId = (await server.context.users.findUserByEmail(email))!.id
  t.is((await server.context.db('audit_events').where({ type: 'session.revoked', user_id: userId })).length, 1, 'the revocation is told, as user:set-password tells it')

  // The same record again changes nothing: a session opened since lives on.
  const since = await server.client.login(email, 'New-Password-456')
  t.is(since.statusCode, 200)
  t.is((await runCli(['user:import', jsonLines([{ email, password_hash: newHash }]), '--on-conflict', 'update', '--json'], { env: server.env, timeoutMs: 120_000 })).code, 0)
  t.true((await server.client.validate((since.body as { access_token: string }).access_token)).body.is_valid, 'a re-import of the same hash revokes nothing')

  // disabled: true revokes the sessions, as user:disable does.
  t.is((await runCli(['user:import', jsonLines([{ email, password_hash: newHash, disabled: true }]), '--on-conflict', 'update', '--json'], { env: server.env, timeoutMs: 120_000 })).code, 0)
  t.not((await server.client.refresh((since.body as { refresh_token: string }).refresh_token)).statusCode, 200, 'a disabled user\'s refresh token is refused')
  t.is((await server.context.db('sessions').where({ user_id: userId }).whereNull('revoked_at')).length, 0, 'no session of the disabled user is left live')
  t.is((await server.context.db('audit_events').where({ type: 'session.revoked', user_id: userId })).length, 2)
})
