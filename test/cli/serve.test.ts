import { statSync } from 'node:fs'
import { join } from 'node:path'
import test from 'ava'
import got from 'got'
import { runCli } from '../support/cli.js'
import { backends, createTestDatabase } from '../support/db.js'
import { serve } from '../support/serve-process.js'
import { TEST_SECRET } from '../support/server.js'

for (const backend of backends()) {
  test(`serve migrates, answers, and shuts down gracefully on SIGTERM [${backend}]`, async (t) => {
    const database = await createTestDatabase(backend)
    try {
      const served = await serve({ HEIMDALL_DATABASE_URL: database.url, HEIMDALL_JWT_SECRET: TEST_SECRET })
      t.regex(served.output(), new RegExp(`Database: ${backend}`))
      t.regex(served.output(), /Applied migrations: \d+/)
      const health = await got(`${served.url}/health`).json<{ status: string }>()
      t.is(health.status, 'healthy')
      const ready = await got(`${served.url}/ready`).json<{ status: string }>()
      t.is(ready.status, 'ready')

      served.child.kill('SIGTERM')
      t.is(await served.exited, 0)
      t.regex(served.output(), /shutting down/)
    } finally {
      await database.drop()
    }
  })
}

test('serve generates a secret once, keeps it private, and reuses it on the next start', async (t) => {
  const database = await createTestDatabase('sqlite')
  const secretFile = join(database.dir, 'secret')
  try {
    const first = await serve({ HEIMDALL_DATABASE_URL: database.url, HEIMDALL_SECRET_FILE: secretFile })
    t.regex(first.output(), new RegExp(`JWT secret: ${secretFile} \\(generated\\)`))
    t.is(statSync(secretFile).mode & 0o777, 0o600)
    first.child.kill('SIGINT')
    t.is(await first.exited, 0)

    const second = await serve({ HEIMDALL_DATABASE_URL: database.url, HEIMDALL_SECRET_FILE: secretFile })
    t.regex(second.output(), new RegExp(`JWT secret: ${secretFile}\\n`))
    second.child.kill('SIGTERM')
    t.is(await second.exited, 0)
  } finally {
    await database.drop()
  }
})

test('serve refuses a secret shorter than 32 bytes, a bcrypt cost below 10 and more than 10 trusted proxies', async (t) => {
  const database = await createTestDatabase('sqlite')
  try {
    const short = await runCli(['serve', '--port', '0'], { env: { HEIMDALL_DATABASE_URL: database.url, HEIMDALL_JWT_SECRET: 'too-short' } })
    t.is(short.code, 78)
    t.regex(short.stderr, /HEIMDALL_JWT_SECRET is too short: 9 bytes, at least 32/)

    const cheap = await runCli(['serve', '--port', '0'], { env: { HEIMDALL_DATABASE_URL: database.url, HEIMDALL_BCRYPT_COST: '8' } })
    t.is(cheap.code, 78)
    t.regex(cheap.stderr, /HEIMDALL_BCRYPT_COST must be between 10 and 31/)

    const proxies = await runCli(['serve', '--port', '0'], { env: { HEIMDALL_DATABASE_URL: database.url, HEIMDALL_TRUSTED_PROXIES: '11' } })
    t.is(proxies.code, 78)
    t.regex(proxies.stderr, /HEIMDALL_TRUSTED_PROXIES must be between 0 and 10/)
  } finally {
    await database.drop()
  }
})

test('serve --no-migrate stays not ready while migrations are pending', async (t) => {
  const database = await createTestDatabase('sqlite')
  try {
    const env = { HEIMDALL_DATABASE_URL: database.url, HEIMDALL_JWT_SECRET: TEST_SECRET }
    const served = await serve(env, ['--no-migrate'], /listening on (http:\/\/\S+)[\s\S]*pending migration/)
    const ready = await got(`${served.url}/ready`, { throwHttpErrors: false, responseType: 'json' })
    t.is(ready.statusCode, 503)
    const login = await got.post(`${served.url}/auth/login`, { throwHttpErrors: false, json: { email: 'a@example.com', password: 'x' } })
    t.is(login.statusCode, 503)
    served.child.kill('SIGTERM')
    t.is(await served.exited, 0)
  } finally {
    await database.drop()
  }
})

test('serve prints the addresses relying parties use, at the public URL (issuer, discovery, JWKS), never the internal listening address for them, and says when they are not https', async (t) => {
  const database = await createTestDatabase('sqlite')
  try {
    const env = { HEIMDALL_DATABASE_URL: database.url, HEIMDALL_JWT_SECRET: TEST_SECRET, HEIMDALL_JWT_ALG: 'RS256', HEIMDALL_OIDC_ENABLED: 'true' }
    const served = await serve({ ...env, HEIMDALL_PUBLIC_URL: 'https://auth.example.com' })
    const output = served.output()
    t.regex(output, /public keys at https:\/\/auth\.example\.com\/\.well-known\/jwks\.json/)
    t.regex(output, /OpenID Connect: issuer https:\/\/auth\.example\.com\/oidc, discovery https:\/\/auth\.example\.com\/oidc\/\.well-known\/openid-configuration, keys https:\/\/auth\.example\.com\/oidc\/jwks/)
    t.false(output.includes(`${served.url}/.well-known/jwks.json`), 'not the internal address')
    t.false(/not https/.test(output))
    served.child.kill('SIGTERM')
    t.is(await served.exited, 0)

    const plain = await serve({ ...env, HEIMDALL_PUBLIC_URL: 'http://auth.example.com' })
    t.regex(plain.output(), /HEIMDALL_PUBLIC_URL is not https: relying parties such as mod_auth_openidc accept only https endpoints; put a TLS proxy in front \(docs\/oidc\.md\)/)
    plain.child.kill('SIGTERM')
    t.is(await plain.exited, 0)
  } finally {
    await database.drop()
  }
})
