// The Dockerfile and docker-compose.yml as text, held to what the README promises: what building and
// running the image cannot show (docker-image.test.ts does that), and the compose file, whose
// mariadb and redis images come from Docker Hub, out of CI's reach.
import { readFileSync } from 'node:fs'
import test from 'ava'
import { parseYamlSubset, type YamlValue } from '../support/yaml-subset.js'

/** The repository root: this file runs as dist/test/packaging/docker.test.js. */
const ROOT = new URL('../../../', import.meta.url)
const read = (name: string) => readFileSync(new URL(name, ROOT), 'utf8')

interface Instruction {
  keyword: string
  args: string
}

/** Dockerfile instructions, with continuation lines joined and comments dropped. */
function instructions(dockerfile: string): Instruction[] {
  const joined = dockerfile
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(line)!
      return { keyword: keyword.toUpperCase(), args }
    })
}

const SECRET_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE_KEY|API_KEY/i

test('Dockerfile: multi-stage build, runtime on a slim Node 20 as a non-root user', (t) => {
  const steps = instructions(read('Dockerfile'))
  const froms = steps.filter((step) => step.keyword === 'FROM')
  t.true(froms.length >= 2, 'a build stage and a runtime stage')
  for (const from of froms) t.regex(from.args, /^node:20\b/, 'every stage on Node 20')

  const runtimeStart = steps.lastIndexOf(froms.at(-1)!)
  const runtime = steps.slice(runtimeStart)
  t.regex(froms.at(-1)!.args, /^node:20-(bookworm-)?slim\b/, 'the runtime stage is slim')
  t.false(runtime.some((step) => step.keyword === 'RUN' && /\b(g\+\+|make|python3|npm (ci|install))\b/.test(step.args)), 'no toolchain or install in the runtime stage')
  t.true(runtime.some((step) => step.keyword === 'COPY' && /--from=build\b/.test(step.args)), 'the runtime copies the build output')

  const users = runtime.filter((step) => step.keyword === 'USER')
  t.true(users.length > 0, 'the runtime stage sets USER')
  const user = users.at(-1)!.args.split(':')[0]
  t.false(['root', '0', ''].includes(user), `runs as ${user}, not root`)
  const cmd = runtime.findLast((step) => step.keyword === 'CMD')
  t.is(cmd?.args, '["node", "bin/run.js", "serve"]')
  t.true(runtime.indexOf(users.at(-1)!) < runtime.indexOf(cmd!), 'USER comes before CMD')
})

test('Dockerfile: listens on 0.0.0.0:8000, keeps ./data in a volume, checks /live', (t) => {
  const steps = instructions(read('Dockerfile'))
  const runtime = steps.slice(steps.findLastIndex((step) => step.keyword === 'FROM'))
  const env = runtime.filter((step) => step.keyword === 'ENV').map((step) => step.args).join(' ')
  t.regex(env, /\bHEIMDALL_HOST=0\.0\.0\.0\b/)
  t.true(runtime.some((step) => step.keyword === 'EXPOSE' && /\b8000\b/.test(step.args)))
  t.true(runtime.some((step) => step.keyword === 'WORKDIR' && step.args === '/app'))
  t.true(runtime.some((step) => step.keyword === 'VOLUME' && step.args.includes('/app/data')), 'SQLite and the generated secret live in a volume')
  const healthcheck = runtime.find((step) => step.keyword === 'HEALTHCHECK')
  t.truthy(healthcheck, 'HEALTHCHECK')
  t.regex(healthcheck!.args, /\bCMD\b.*\/live\b/)
})

test('Dockerfile and .dockerignore: no secret is baked into the image', (t) => {
  const steps = instructions(read('Dockerfile'))
  for (const step of steps.filter((s) => s.keyword === 'ENV' || s.keyword === 'ARG')) {
    t.false(SECRET_NAME.test(step.args), `${step.keyword} ${step.args} sets no secret`)
  }
  for (const step of steps.filter((s) => s.keyword === 'COPY' || s.keyword === 'ADD')) {
    t.false(/(^|[\s/])(data|\.env|jwt-secret)(\/|\s|$)/.test(step.args), `${step.keyword} ${step.args} copies no local data or secret`)
    t.false(/^COPY\s+\.\s/.test(`${step.keyword} ${step.args}`), 'no "COPY . ." that would take whatever lies in the directory')
  }
  const ignored = read('.dockerignore').split('\n').map((line) => line.trim())
  for (const entry of ['node_modules', 'dist', 'data', '.env', '.git']) t.true(ignored.includes(entry), `.dockerignore lists ${entry}`)
})

function asMap(value: YamlValue | undefined, what: string): Record<string, YamlValue> {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${what} is not a map`)
  return value
}

test('docker-compose.yml: heimdall on mariadb:10.11, started once MariaDB is healthy; optional Redis', (t) => {
  const compose = asMap(parseYamlSubset(read('docker-compose.yml')), 'the compose file')
  const services = asMap(compose.services, 'services')
  t.true(['mariadb', 'heimdall', 'redis'].every((name) => name in services), 'mariadb, heimdall and redis services')

  const mariadb = asMap(services.mariadb, 'mariadb')
  t.is(mariadb.image, 'mariadb:10.11')
  const check = asMap(mariadb.healthcheck, 'mariadb.healthcheck')
  t.true(Array.isArray(check.test) && check.test.length > 1, 'MariaDB has a healthcheck command')

  const heimdall = asMap(services.heimdall, 'heimdall')
  t.truthy(heimdall.build, 'heimdall builds from the Dockerfile')
  const dependsOn = asMap(heimdall.depends_on, 'heimdall.depends_on')
  t.is(asMap(dependsOn.mariadb, 'depends_on.mariadb').condition, 'service_healthy')
  const env = asMap(heimdall.environment, 'heimdall.environment')
  t.regex(String(env.HEIMDALL_DATABASE_URL), /^mysql:\/\/[^@]+@mariadb:3306\/\w+$/)
  t.regex(String(env.HEIMDALL_JWT_SECRET), /^\$\{HEIMDALL_JWT_SECRET(:\?[^}]*)?\}$/, 'the JWT secret comes from the environment, and is required')

  const redis = asMap(services.redis, 'redis')
  t.deepEqual(redis.profiles, ['redis'], 'Redis only with --profile redis')
})

test('docker-compose.yml: every secret-looking value is a substitution from the environment', (t) => {
  const compose = asMap(parseYamlSubset(read('docker-compose.yml')), 'the compose file')
  let checked = 0
  for (const [name, service] of Object.entries(asMap(compose.services, 'services'))) {
    const env = asMap(service, name).environment
    if (env === undefined) continue
    for (const [key, value] of Object.entries(asMap(env, `${name}.environment`))) {
      const text = String(value)
      // MARIADB_RANDOM_ROOT_PASSWORD is a switch, not a password.
      if (SECRET_NAME.test(key) && !/_RANDOM_/.test(key)) {
        checked++
        t.regex(text, /^\$\{[A-Z_]+(:[?-][^}]*)?\}$/, `${name}: ${key} is substituted, not written down`)
      }
      // A password inside a URL: only as a substitution.
      const userinfo = /^\w+:\/\/[^:/@]+:([^@]*)@/.exec(text)
      if (userinfo) t.regex(userinfo[1], /^\$\{[A-Z_]+(:[?-][^}]*)?\}$/, `${name}: the password in ${key}`)
    }
  }
  t.true(checked >= 2, 'the JWT secret and the database password were checked')
})

test('the YAML reader used above refuses what it does not understand', (t) => {
  t.deepEqual(parseYamlSubset('a:\n  b: "x # y" # comment\n  c: [1, "two", \'\']\nd:\n  - e: f\n    g: h\n  - i\n'), {
    a: { b: 'x # y', c: ['1', 'two', ''] },
    d: [{ e: 'f', g: 'h' }, 'i'],
  })
  t.throws(() => parseYamlSubset('a: &anchor x\n'))
  t.throws(() => parseYamlSubset('a: |\n  text\n'))
  t.throws(() => parseYamlSubset('a: {b: c}\n'))
  t.throws(() => parseYamlSubset('a: b\n   c: d\n'))
})
