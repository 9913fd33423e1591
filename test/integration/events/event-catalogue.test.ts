import { runCli } from '../../support/cli.js'
import { enrolTotp, postJson } from '../../support/mfa.js'
import { serverTest, TEST_PASSWORD, uniqueEmail, type TestServer } from '../../support/server.js'

// Every event type is written by the flow that should write it, through the doors people use (HTTP,
// CLI), exactly once per change, in the same table the audit trail reads (issue 24, docs/events.md).
// Passkeys, consents and linked identities are checked where their flows are driven: the passkey,
// OIDC and federation tests.

async function eventsOf(server: TestServer, userId: string): Promise<Array<{ type: string; data: Record<string, unknown>; actor: string }>> {
  const rows = await server.context.db('audit_events').where({ user_id: userId }).whereNotNull('event_id').orderBy('id')
  return rows.map((row) => ({ type: row.event_type, data: JSON.parse(row.payload), actor: row.actor }))
}

/** The token of the newest link mailed to `userId` (the outbox keeps it until sent; these servers send none). */
async function latestLinkToken(server: TestServer, userId: string): Promise<string> {
  const [mail] = await server.context.db('mail_outbox').where({ user_id: userId }).orderBy('id', 'desc').limit(1)
  const path: string = JSON.parse(mail.data).link_path
  return new URL(path, 'http://x').searchParams.get('token')!
}

serverTest('the account\'s life writes one event per change: created, updated, session created and revoked, MFA enrolled and removed, roles, password changed and reset, disabled, enabled, deleted', async (t, server) => {
  const email = uniqueEmail('lifecycle')
  const env = server.env
  const userId: string = (await server.client.register(email, TEST_PASSWORD)).body.user_id
  t.is((await runCli(['user:verify-email', email], { env })).code, 0)
  const { accessToken } = await server.client.loginTokens(email, TEST_PASSWORD)
  await enrolTotp(server.client, accessToken)
  t.is((await postJson(server.client, 'auth/mfa/totp/disable', { password: TEST_PASSWORD }, accessToken)).statusCode, 204)
  t.is((await runCli(['user:grant', email, 'admin'], { env })).code, 0)
  t.is((await runCli(['user:revoke', email, 'admin'], { env })).code, 0)
  t.is((await server.client.logout(accessToken)).statusCode, 204)
  await server.client.loginTokens(email, TEST_PASSWORD)
  t.is((await runCli(['user:set-password', email, '--password-stdin'], { env, input: 'Another-Pass-456\n' })).code, 0)
  t.is((await runCli(['user:send-reset', email], { env })).code, 0)
  const reset = await server.client.http.post('auth/password/reset', { json: { token: await latestLinkToken(server, userId), new_password: 'Third-Pass-789!' } })
  t.true(reset.statusCode < 300, String(reset.body))
  t.is((await runCli(['user:disable', email], { env })).code, 0)
  t.is((await runCli(['user:enable', email], { env })).code, 0)
  t.is((await runCli(['user:delete', email, '--yes'], { env })).code, 0)

  const events = await eventsOf(server, userId)
  t.deepEqual(events.map((entry) => entry.type), [
    'user.created',
    'user.updated',
    'session.created',
    'mfa.enrolled',
    'mfa.removed',
    'role.granted',
    'role.revoked',
    'session.revoked',
    'session.created',
    'password.changed',
    'session.revoked',
    'password.reset',
    'user.disabled',
    'user.enabled',
    'user.deleted',
  ])
  t.like(events[0], { data: { user_id: userId, email, by: 'self' }, actor: `user:${userId}` })
  t.like(events[1], { data: { changes: ['email_verified'] }, actor: 'operator' })
  t.like(events[4], { data: { method: 'totp', by: 'self' } })
  t.like(events[7], { data: { reason: 'logout', count: 1 } })
  t.like(events[9], { data: { by: 'operator', revoked_sessions: 1 }, actor: 'operator' })
  // The session the operator's password change ended is its own event too: subscribers to session.revoked hear of every end.
  t.like(events[10], { type: 'session.revoked', data: { reason: 'admin', count: 1 } })
  t.like(events[14], { data: { user_id: userId }, actor: 'operator' })
  t.false(JSON.stringify(events).includes(TEST_PASSWORD), 'no password in any payload')
})

serverTest('clients: client.created and client.deleted carry the client id; no event without a change (a refused create writes none)', async (t, server) => {
  const created = await runCli(['client:create', `catalogue-${process.pid}`, '--grant', 'authorization_code', '--redirect-uri', 'https://rp.example.com/cb', '--json'], { env: server.env })
  t.is(created.code, 0, created.stderr)
  const clientId: string = JSON.parse(created.stdout).client_id
  t.is((await runCli(['client:delete', clientId], { env: server.env })).code, 0)
  // Client events only: the file's other test writes events on this server meanwhile.
  const before = await server.context.db('audit_events').where('event_type', 'like', 'client.%').count({ n: '*' }).first()
  t.is((await runCli(['client:create', 'bad', '--grant', 'no_such_grant'], { env: server.env })).code, 65)
  const rows = (await server.context.db('audit_events').whereIn('event_type', ['client.created', 'client.deleted']).orderBy('id')).filter((row) => JSON.parse(row.payload).client_id === clientId)
  t.deepEqual(rows.map((row) => row.event_type), ['client.created', 'client.deleted'])
  t.like(JSON.parse(rows[0].payload), { client_id: clientId, grant_types: ['authorization_code'], public: false })
  const after = await server.context.db('audit_events').where('event_type', 'like', 'client.%').count({ n: '*' }).first()
  t.is(Number(after?.n), Number(before?.n))
})
