// `npm pack` as a release would run it, then the tarball installed into an empty directory and
// `npx heimdall serve` started there with an empty environment: what a user of the package gets.
import { spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import test from 'ava'
import got from 'got'
import { runCommand } from '../support/run-command.js'
import { READY } from '../support/serve-process.js'

/** The repository root: this file runs as dist/test/packaging/npm-pack.test.js. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))

/** What a clean checkout has, less tests and benchmarks: the build compiles them but the package leaves them out. */
// packages/ holds packages of their own (the verifier), built and published apart; its tests need test/.
const NOT_COPIED = new Set(['node_modules', 'dist', '.git', 'data', '.heimdall-test', 'oclif.manifest.json', 'test', 'bench', 'packages'])

/** This process's environment without what `npm test` and AVA add, which would steer the inner npm. */
function npmEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const name of Object.keys(env)) if (/^npm_/i.test(name) || name === 'NODE_ENV' || name === 'INIT_CWD') delete env[name]
  return env
}

test('npm pack: the tarball installs into an empty directory and `npx heimdall serve` works there', async (t) => {
  // The slowest test of the suite: a full build, then an install of the package and its dependencies.
  t.timeout(20 * 60_000)
  const work = mkdtempSync(join(tmpdir(), 'heimdall-pack-'))
  try {
    // 1. Pack a copy of the sources, so that pack's clean build (prepack, prepare) leaves this
    //    checkout's dist/ alone while the rest of the suite runs from it.
    const source = join(work, 'source')
    cpSync(ROOT, source, { recursive: true, filter: (path) => path === ROOT || !(path.startsWith(ROOT) && NOT_COPIED.has(path.slice(ROOT.length).split('/')[0])) })
    symlinkSync(join(ROOT, 'node_modules'), join(source, 'node_modules'), 'dir')
    const tarballs = join(work, 'tarballs')
    mkdirSync(tarballs)
    const packed = await runCommand('npm', ['pack', '--pack-destination', tarballs], { cwd: source, env: npmEnv(), timeoutMs: 9 * 60_000 })
    t.is(packed.code, 0, packed.output)
    const [tarball] = readdirSync(tarballs).filter((name) => name.endsWith('.tgz'))
    t.truthy(tarball, `npm pack wrote a tarball:\n${packed.output}`)

    const listed = await runCommand('tar', ['-tzf', join(tarballs, tarball)], { cwd: work, env: npmEnv(), timeoutMs: 60_000 })
    const files = listed.output.split('\n').filter(Boolean).map((name) => name.replace(/^package\//, ''))
    for (const expected of ['package.json', 'README.md', 'bin/run.js', 'oclif.manifest.json', 'dist/src/cli/index.js', 'dist/src/cli/serve.js', 'dist/src/http/server.js', 'dist/src/infra/i18n/locales/en.json', 'dist/src/infra/i18n/locales/de.json']) {
      t.true(files.includes(expected), `the package holds ${expected}`)
    }
    t.true(files.some((name) => /^dist\/migrations\/\d{14}_\w+\.js$/.test(name)), 'the package holds the compiled migrations')
    const unwanted = files.filter((name) => /^(src|test|bench|migrations)\/|^dist\/(test|bench)\/|\.ts$|\.map$|^bin\/dev\.js$|^data\//.test(name))
    t.deepEqual(unwanted, [], 'no sources, tests, source maps, dev entry point or data in the package')

    // 2. Install it into an empty project. npm 11 runs dependencies' install scripts only where the
    //    project allows them: better-sqlite3 builds its native module (bcrypt ships prebuilt ones).
    const consumer = join(work, 'consumer')
    mkdirSync(consumer)
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, allowScripts: { 'better-sqlite3': true, bcrypt: true } }, null, 2))
    //    Its install script (prebuild-install, then node-gyp if that fails) downloads a prebuilt binary
    //    where there is internet, as for most users; here there is none, and compiling SQLite took
    //    minutes of the suite's 10. So the binary this checkout's `npm ci` compiled, of the same
    //    pinned version, is offered the way prebuild-install looks for a local one.
    const prebuilds = join(work, 'prebuilds')
    mkdirSync(prebuilds)
    const sqliteDir = join(ROOT, 'node_modules', 'better-sqlite3')
    const sqliteVersion = (JSON.parse(readFileSync(join(sqliteDir, 'package.json'), 'utf8')) as { version: string }).version
    const prebuilt = `better-sqlite3-v${sqliteVersion}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`
    const archived = await runCommand('tar', ['-czf', join(prebuilds, prebuilt), '-C', sqliteDir, 'build/Release/better_sqlite3.node'], { cwd: work, env: npmEnv(), timeoutMs: 60_000 })
    t.is(archived.code, 0, archived.output)
    const installEnv = { ...npmEnv(), npm_config_better_sqlite3_local_prebuilds: prebuilds }
    const installed = await runCommand('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(tarballs, tarball)], { cwd: consumer, env: installEnv, timeoutMs: 9 * 60_000 })
    t.is(installed.code, 0, installed.output)
    t.false(readdirSync(join(consumer, 'node_modules')).includes('typescript'), 'a consumer install does not need TypeScript')
    t.log(`packed ${basename(tarball)} (${files.length} files) and installed it in ${consumer}`)

    // 3. `npx heimdall serve` there, with nothing configured: SQLite in ./data and a generated secret.
    // PATH without the node_modules/.bin folders `npm test` put on it: no tool of this checkout is at hand.
    const path = (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':').filter((dir) => !dir.includes('node_modules')).join(':')
    const env = { PATH: path, HOME: process.env.HOME ?? consumer }
    // Its own process group, so that nothing it started can outlive the test.
    const child = spawn('npx', ['heimdall', 'serve', '--port', '0'], { cwd: consumer, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`serve did not start:\n${output}`)), 90_000)
        const onData = (chunk: Buffer) => {
          output += chunk
          const ready = READY.exec(output)
          if (ready) {
            clearTimeout(timer)
            resolve(ready[1])
          }
        }
        child.stdout.on('data', onData)
        child.stderr.on('data', onData)
        void exited.then((code) => {
          clearTimeout(timer)
          reject(new Error(`serve exited with ${code}:\n${output}`))
        })
      })
      t.regex(output, /JWT secret: \S+\/data\/jwt-secret \(generated\)/, 'the embedded default generates a secret into ./data')
      const http = got.extend({ prefixUrl: url, throwHttpErrors: false, retry: { limit: 0 }, responseType: 'json', timeout: { request: 15_000 } })
      const health = await http.get<{ status: string }>('health')
      t.is(health.statusCode, 200)
      t.is(health.body.status, 'healthy')
      const registered = await http.post<{ email: string }>('auth/register', { json: { email: 'packed@example.com', password: 'Secure-Pass-123' } })
      t.is(registered.statusCode, 200, JSON.stringify(registered.body))
      t.is(registered.body.email, 'packed@example.com')
      const data = readdirSync(join(consumer, 'data'))
      t.true(data.includes('heimdall.db') && data.includes('jwt-secret'), `the database and the secret live in ./data of the directory it runs in: ${data.join(', ')}`)

      // SIGTERM to the server, as a supervisor sends it. Not to npx: npm exec exits at once on a
      // SIGTERM of its own and does not pass it on, leaving the server running. It does exit with
      // its child's code, so npx's exit code below is the server's. The server's pid: its log lines.
      const serverPid = Number(/"pid":(\d+)/.exec(output)?.[1])
      t.true(serverPid > 0 && serverPid !== child.pid, `the server logs its pid:\n${output}`)
      process.kill(serverPid, 'SIGTERM')
      const code = await Promise.race([exited, new Promise<string>((resolve) => setTimeout(() => resolve('still running after 30 s'), 30_000))])
      t.is(code, 0, `serve stops cleanly on SIGTERM and npx exits 0:\n${output}`)
      t.regex(output, /Received SIGTERM: finishing in-flight requests and shutting down/)
    } finally {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL') // whatever is left of the group
      } catch {
        // ESRCH: nothing left, as it should be
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
})
