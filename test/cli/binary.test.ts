import test from 'ava'
import { spawnCli } from '../support/cli.js'
import { backends } from '../support/db.js'
import { startTestServer, TEST_PASSWORD, uniqueEmail } from '../support/server.js'

// The other CLI tests run the commands inside the test process (test/support/cli.ts); these prove the
// real binary as a shell starts it: bin/run.js in its own process, its exit codes, its streams, its
// standard input, and that it ends by itself once the work is done.

test('the binary prints its version and help, and ends', async (t) => {
  const version = await spawnCli(['--version'])
  t.is(version.code, 0, version.stderr)
  t.regex(version.stdout, /^heimdall\/\d+\.\d+\.\d+ /)
  const help = await spawnCli(['user:create', '--help'])
  t.is(help.code, 0, help.stderr)
  t.regex(help.stdout, /EXAMPLES/)
})

test('the binary exits 2 for a usage error, 65 for bad input, 69 for an unreachable database, 78 for a bad setting', async (t) => {
  const env = { HEIMDALL_DATABASE_URL: 'sqlite:/nonexistent-heimdall-binary-test/heimdall.db' }
  const unknown = await spawnCli(['user:nope', '--json'], { env })
  t.is(unknown.code, 2, unknown.stderr)
  t.deepEqual(JSON.parse(unknown.stdout).error.code, 'cli.usage')
  const invalid = await spawnCli(['user:list', '--page', 'abc'], { env })
  t.is(invalid.code, 65, invalid.stderr)
  t.is(invalid.stdout, '')
  t.regex(invalid.stderr, /^Error: .*page/m)
  const unreachable = await spawnCli(['user:list'], { env })
  t.is(unreachable.code, 69, unreachable.stderr)
  const badSetting = await spawnCli(['user:list'], { env: { ...env, HEIMDALL_BCRYPT_COST: '4' } })
  t.is(badSetting.code, 78, badSetting.stderr)
  t.regex(badSetting.stderr, /HEIMDALL_BCRYPT_COST must be between 10 and 31/)
})

for (const backend of backends()) {
  test(`the binary reads a password on standard input, writes JSON on stdout, and the user signs in over HTTP [${backend}]`, async (t) => {
    const server = await startTestServer(backend)
    try {
      const email = uniqueEmail('binary')
      const created = await spawnCli(['user:create', email, '--password-stdin', '--json'], { env: server.env, input: `${TEST_PASSWORD}\n` })
      t.is(created.code, 0, created.stderr)
      t.is(JSON.parse(created.stdout).email, email)
      t.is((await server.client.login(email, TEST_PASSWORD)).statusCode, 200)
      const duplicate = await spawnCli(['user:create', email, '--password-stdin'], { env: server.env, input: TEST_PASSWORD })
      t.is(duplicate.code, 1, 'a refusal is exit 1')
      t.regex(duplicate.stderr, /^Error: /)
    } finally {
      await server.close()
    }
  })
}
