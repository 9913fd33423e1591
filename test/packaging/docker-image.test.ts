// The Dockerfile built and run as its README section tells a user to: `docker build`, then
// `docker run` with SQLite in a volume, and on MariaDB configured as docker-compose.yml configures
// the heimdall service. (Compose itself is not run: its mariadb and redis images come from Docker
// Hub, which CI cannot reach; docker.test.ts holds the compose file to its promises.)
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import test, { type ExecutionContext } from 'ava'
import knex from 'knex'
import { HeimdallAPIClient } from '../support/api-client.js'
import { createTestDatabase } from '../support/db.js'
import { eventually } from '../support/eventually.js'
import { flagSet } from '../support/flags.js'
import { runCommand, type CommandResult } from '../support/run-command.js'
import { TEST_PASSWORD, uniqueEmail } from '../support/server.js'

/** The repository root: this file runs as dist/test/packaging/docker-image.test.js. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const BASE_IMAGE = 'node:20-bookworm-slim'
const TAG = `heimdall-test:${randomBytes(4).toString('hex')}`
/** CI (and anyone who sets HEIMDALL_TEST_DOCKER=1) must run these tests: a missing Docker fails. */
const REQUIRED = flagSet(process.env.CI) || flagSet(process.env.HEIMDALL_TEST_DOCKER)

function docker(args: string[], timeoutMs = 60_000): Promise<CommandResult> {
  // The legacy builder: BuildKit would first fetch the Dockerfile frontend from Docker Hub.
  return runCommand('docker', args, { cwd: ROOT, env: { ...process.env, DOCKER_BUILDKIT: '0' }, timeoutMs })
}

async function dockerOk(t: ExecutionContext, args: string[], timeoutMs?: number): Promise<string> {
  const result = await docker(args, timeoutMs)
  if (result.code !== 0) t.fail(`docker ${args.join(' ')} exited with ${result.code}:\n${result.output}`)
  return result.output.trim()
}

async function dockerUnavailable(): Promise<string | undefined> {
  const info = await docker(['info', '--format', '{{.ServerVersion}}']).catch((error: Error) => ({ code: -1, output: error.message }))
  if (info.code !== 0) return `no Docker daemon (docker info: ${info.output.trim().split('\n').at(-1)})`
  if ((await docker(['image', 'inspect', BASE_IMAGE])).code === 0) return undefined
  const pulled = await docker(['pull', BASE_IMAGE], 5 * 60_000).catch((error: Error) => ({ code: -1, output: error.message }))
  if (pulled.code !== 0) return `no ${BASE_IMAGE} image, and it cannot be pulled (.ci/docker-base makes one without Docker Hub)`
  return undefined
}

/**
 * One build for every test of this file; the image is removed when they are done. Its build stage
 * stays in Docker's cache, as after any `docker build`: the next run reuses its npm ci layer.
 */
let built: Promise<CommandResult> | undefined
const buildImage = () => (built ??= docker(['build', '--network', 'host', '-t', TAG, '.'], 10 * 60_000))

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function untilReady(client: HeimdallAPIClient, container: string): Promise<void> {
  const waited = await eventually(async () => (await client.ready().catch(() => undefined))?.statusCode === 200, 90_000, 250)
  if (waited === undefined) throw new Error(`the container did not get ready:\n${(await docker(['logs', container])).output}`)
}

/** The address Docker published the container's port 8000 on (a new one after each restart). */
async function publishedUrl(t: ExecutionContext, container: string): Promise<string> {
  const port = (await dockerOk(t, ['port', container, '8000/tcp'])).split('\n')[0]
  return `http://${port}`
}

const unavailable = await dockerUnavailable()
if (unavailable !== undefined) {
  if (REQUIRED) {
    test('the Docker image builds and serves', (t) => {
      t.fail(`${unavailable}, and CI or HEIMDALL_TEST_DOCKER=1 requires this test`)
    })
  } else {
    console.log(`[docker-image] skipped: ${unavailable}; set HEIMDALL_TEST_DOCKER=1 to require it`)
    test.skip(`the Docker image builds and serves: skipped, ${unavailable}`, () => {})
  }
} else {
  test.after.always(async () => {
    if (built) await docker(['rmi', '-f', TAG])
  })

  test('the image builds from a clean checkout and holds only what the server needs', async (t) => {
    t.timeout(12 * 60_000)
    const build = await buildImage()
    t.is(build.code, 0, build.output)
    const inImage = async (command: string) => (await dockerOk(t, ['run', '--rm', '--network', 'none', TAG, 'sh', '-c', command])).split('\n')
    t.deepEqual(await inImage('id -u'), ['10001'], 'runs as the unprivileged user')
    const app = await inImage('ls -A /app')
    for (const expected of ['bin', 'dist', 'node_modules', 'package.json', 'data']) t.true(app.includes(expected), `/app holds ${expected}: ${app.join(' ')}`)
    for (const unwanted of ['src', 'test', 'bench', 'migrations', '.env', '.git']) t.false(app.includes(unwanted), `no ${unwanted} in /app`)
    t.deepEqual(await inImage('ls -A /app/dist'), ['migrations', 'src'], 'compiled server and migrations, no compiled tests or bench')
    const modules = await inImage('ls /app/node_modules')
    for (const devOnly of ['typescript', 'ava', 'tsx', 'got']) t.false(modules.includes(devOnly), `no ${devOnly} (a dev dependency)`)
    t.deepEqual(await inImage('ls -A /app/data'), [''], 'no database or secret baked into /app/data')
    const env = JSON.parse(await dockerOk(t, ['image', 'inspect', '--format', '{{json .Config.Env}}', TAG])) as string[]
    t.false(env.some((entry) => /SECRET|PASSWORD/.test(entry.split('=')[0])), `no secret in the image's environment: ${env.join(' ')}`)
  })

  test('docker run: SQLite and a generated secret in the volume, healthy, and tokens survive a restart', async (t) => {
    t.timeout(12 * 60_000)
    t.is((await buildImage()).code, 0, 'the image built')
    const name = `heimdall-test-${randomBytes(4).toString('hex')}`
    const volume = `${name}-data`
    try {
      // The image's own HEALTHCHECK command, checked every second rather than every 30.
      await dockerOk(t, ['run', '-d', '--name', name, '-p', '127.0.0.1::8000', '-v', `${volume}:/app/data`, '--health-interval', '1s', TAG])
      let client = new HeimdallAPIClient(await publishedUrl(t, name))
      await untilReady(client, name)
      const email = uniqueEmail('docker')
      const { accessToken } = await client.registerAndLogin(email, TEST_PASSWORD)
      t.is((await client.validate(accessToken)).body.is_valid, true)

      const logs = (await docker(['logs', name])).output
      t.regex(logs, /listening on http:\/\/0\.0\.0\.0:8000/)
      t.regex(logs, /JWT secret: \/app\/data\/jwt-secret \(generated\)/)
      t.is(await dockerOk(t, ['exec', name, 'stat', '-c', '%U %a', '/app/data/jwt-secret']), 'heimdall 600', 'the secret is readable by the server alone')
      t.not((await docker(['exec', name, 'touch', '/app/bin/run.js'])).code, 0, 'the server cannot change its own code')
      const healthy = await eventually(async () => (await docker(['inspect', '--format', '{{.State.Health.Status}}', name])).output.trim() === 'healthy', 30_000, 500)
      t.not(healthy, undefined, 'the HEALTHCHECK reports healthy')

      // `docker restart` sends SIGTERM: a graceful stop, then the same volume.
      await dockerOk(t, ['restart', name], 60_000)
      t.regex((await docker(['logs', name])).output, /Received SIGTERM/)
      client = new HeimdallAPIClient(await publishedUrl(t, name))
      await untilReady(client, name)
      const after = await client.validate(accessToken)
      t.is(after.body.is_valid, true, `the token issued before the restart still validates: ${JSON.stringify(after.body)}`)
      t.is(after.body.email, email)
    } finally {
      await docker(['rm', '-f', '-v', name])
      await docker(['volume', 'rm', volume])
    }
  })

  // Like every MariaDB test of the suite: run when HEIMDALL_TEST_MYSQL_URL is set (as in CI).
  const onMariaDb = 'docker run on MariaDB, configured as docker-compose.yml configures the heimdall service'
  const mysqlTest = process.env.HEIMDALL_TEST_MYSQL_URL ? test : test.skip
  mysqlTest(process.env.HEIMDALL_TEST_MYSQL_URL ? onMariaDb : `${onMariaDb}: skipped, HEIMDALL_TEST_MYSQL_URL is not set`, async (t) => {
    t.timeout(12 * 60_000)
    t.is((await buildImage()).code, 0, 'the image built')
    const database = await createTestDatabase('mysql')
    const name = `heimdall-test-${randomBytes(4).toString('hex')}`
    const port = await freePort()
    try {
      // The host's network: the MariaDB of CI listens on the host's loopback.
      await dockerOk(t, [
        'run', '-d', '--name', name, '--network', 'host',
        '-e', `HEIMDALL_DATABASE_URL=${database.url}`,
        '-e', `HEIMDALL_JWT_SECRET=${randomBytes(48).toString('base64url')}`,
        '-e', 'HEIMDALL_LOG_FORMAT=json',
        '-e', `HEIMDALL_PORT=${port}`,
        TAG,
      ])
      const client = new HeimdallAPIClient(`http://127.0.0.1:${port}`)
      await untilReady(client, name)
      const { accessToken } = await client.registerAndLogin(uniqueEmail('docker-mysql'), TEST_PASSWORD)
      t.is((await client.validate(accessToken)).body.is_valid, true)

      const logs = (await docker(['logs', name])).output.split('\n').filter((line) => line.startsWith('{'))
      t.true(logs.length > 0, 'JSON log lines')
      for (const line of logs) t.notThrows(() => JSON.parse(line), line)
      const db = knex({ client: 'mysql2', connection: database.url, pool: { min: 0, max: 1 } })
      try {
        const [{ count }] = await db('users').count({ count: '*' })
        t.is(Number(count), 1, "the user landed in MariaDB, in the schema the container's migrations created")
      } finally {
        await db.destroy()
      }
    } finally {
      await docker(['rm', '-f', '-v', name])
      await database.drop()
    }
  })
}
