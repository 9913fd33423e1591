/**
 * AVA's settings (they were in package.json; a comparator needs a JavaScript file).
 *
 * Files run three at a time on two cores: most of a test's time is spent waiting (on MariaDB, on a
 * browser, on a child process, on a poll), and the CPU-heavy builds run at a low priority
 * (test/aux/run-command.ts). The files that take minutes start first, so that they run beside the
 * rest instead of after it (docs/testing.md has the profile these come from).
 */
const SLOWEST_FIRST = [
  'packaging/npm-pack',
  'integration/pages/account-browser',
  'bench/',
  'integration/pages/embedded-default',
  'integration/oidc/heimdall-resource',
  'integration/oidc/code-flow',
  'integration/oidc/provider-pages',
  'integration/oidc/one-session-model',
  'integration/oidc/discovery',
  'integration/recovery/',
  'integration/docs/browser',
  'integration/security/fuzz',
  'integration/oidc/mount-paths',
]

/**
 * Last: the files that measure revocation lag between real `serve` processes in milliseconds, where
 * the start's builds and browsers would make the machine's load their result; and the Docker image's
 * build, which .ci/run starts beside `npm ci` so that by now its layers are in Docker's cache
 * (started first, it would build the same layers a second time beside the first).
 */
const LAST = ['integration/scale-out/', 'integration/cluster', 'packaging/docker-image']

function rank(file) {
  const last = LAST.findIndex((prefix) => file.includes(`/dist/test/${prefix}`))
  if (last !== -1) return SLOWEST_FIRST.length + 1 + last
  const index = SLOWEST_FIRST.findIndex((prefix) => file.includes(`/dist/test/${prefix}`))
  return index === -1 ? SLOWEST_FIRST.length : index
}

export default {
  files: ['dist/test/**/*.test.js'],
  timeout: '2m',
  concurrency: 3,
  sortTestFiles: (a, b) => rank(a) - rank(b) || a.localeCompare(b),
}
