import test from 'ava'
import { claimsOf } from '../../support/jwt.js'
import { backends } from '../../support/db.js'
import { eventually } from '../../support/eventually.js'
import { startTestServer, TEST_PASSWORD, TEST_SECRET, uniqueEmail } from '../../support/server.js'

for (const backend of backends()) {
  test(`no password, token, refresh token or hash reaches the logs of a full scenario [${backend}]`, async (t) => {
    const logLines: string[] = []
    const server = await startTestServer(backend, { logLines })
    try {
      const email = uniqueEmail('logs')
      const client = server.client
      await client.register(email, TEST_PASSWORD)
      await client.login(email, 'Wrong-Pass-1')
      const first = await client.loginTokens(email, TEST_PASSWORD)
      await client.validate(first.accessToken)
      await client.me(first.accessToken)
      const refreshed = (await client.refresh(first.refreshToken)).body
      await client.refresh(first.refreshToken) // reuse: revokes the family
      await client.http.get(`auth/me?token=${refreshed.access_token}`, { headers: { authorization: `Bearer ${refreshed.access_token}` } })
      const second = await client.loginTokens(email, TEST_PASSWORD)
      await client.logout(second.accessToken)
      await client.postRaw('auth/login', `{"email": "${email}", "password": "${TEST_PASSWORD}"`)

      const hashes = (await server.context.db('users').select('password_hash')).map((row: { password_hash: string }) => row.password_hash)
      const secrets = [TEST_PASSWORD, 'Wrong-Pass-1', TEST_SECRET, first.accessToken, first.refreshToken, refreshed.access_token, refreshed.refresh_token, second.accessToken, second.refreshToken, ...hashes]
      // Signatures alone are secrets too: a log must not carry enough of a token to replay it.
      const signatures = [first.accessToken, refreshed.access_token, second.accessToken].map((token) => token.split('.')[2])

      // Whatever the scenario logs after its answers (the provider's lines, publishes) is in before a
      // request sent after them all is logged.
      await client.http.get('health', { headers: { 'x-request-id': 'redaction-scenario-end' } })
      t.truthy(await eventually(async () => logLines.some((line) => JSON.parse(line).req_id === 'redaction-scenario-end'), 10_000), 'the scenario logged to its end')
      const captured = logLines.join('\n')
      t.true(logLines.length >= 10, 'the scenario was logged')
      for (const line of logLines) t.truthy(JSON.parse(line).req_id ?? JSON.parse(line).msg, 'every line is JSON')
      for (const secret of [...secrets, ...signatures]) t.false(captured.includes(secret), `leaked: ${secret.slice(0, 12)}...`)
      t.true(captured.includes(claimsOf(first.accessToken).sid) || captured.includes('/auth/refresh'), 'logs still carry useful facts')
    } finally {
      await server.close()
    }
  })
}
