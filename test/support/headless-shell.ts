import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { threadId } from 'node:worker_threads'
import { brotliDecompressSync } from 'node:zlib'

/**
 * Chromium's headless shell: the build Playwright itself runs for headless tests, without the full
 * browser's UI layers. On this 2-core machine it costs about a third of the CPU of Debian's full
 * Chromium in its headless mode for the same work (a context with a page and a navigation: about
 * 0.4 s against 1.3 s; a navigation: 0.07 s against 0.16 s), and the browser files were half of the
 * suite's CPU. Playwright downloads it from a CDN this machine cannot reach; the npm package
 * @sparticuz/chromium carries a build of it (brotli-compressed, MIT), unpacked here once per version.
 *
 * Answers the path of the executable, unpacked into the system's temporary directory on first use
 * (written under a name of its own, then renamed: files starting at once never see half a binary).
 * Throws when the package is not installed.
 */
export function headlessShellPath(): string {
  const { dir: packageDir, version } = installedPackage('@sparticuz/chromium')
  const executable = join(tmpdir(), `heimdall-headless-shell-${version}`)
  if (existsSync(executable)) return executable
  const unpacking = `${executable}.${process.pid}.${threadId}`
  writeFileSync(unpacking, brotliDecompressSync(readFileSync(join(packageDir, 'bin', 'chromium.br'))))
  chmodSync(unpacking, 0o755)
  renameSync(unpacking, executable)
  return executable
}

/** The directory and version of the installed package `name`, found above its entry point (its exports hide package.json). */
function installedPackage(name: string): { dir: string; version: string } {
  for (let dir = dirname(createRequire(import.meta.url).resolve(name)); dirname(dir) !== dir; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json')
    if (!existsSync(manifest)) continue
    const { name: found, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version: string }
    if (found === name) return { dir, version }
  }
  throw new Error(`no package.json of ${name} above its entry point`)
}

/**
 * Why `executable` cannot start here, or undefined when it can: `--version` loads every shared
 * library it links (the headless shell needs NSS and expat, which Debian's `chromium` package brings).
 */
export function whyBrowserCannotStart(executable: string): string | undefined {
  if (!existsSync(executable)) return `${executable} does not exist`
  const probe = spawnSync(executable, ['--version'], { encoding: 'utf8', timeout: 30_000 })
  if (probe.status === 0) return undefined
  return `${executable} --version failed (${probe.error?.message ?? `exit ${probe.status}`}): ${(probe.stderr ?? '').trim().split('\n').slice(-3).join(' ')}`
}
