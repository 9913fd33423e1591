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
  'integration/scale-out/two-instances',
  'integration/pages/account-browser',
  'bench/',
  'integration/pages/embedded-default',
  'integration/oidc/heimdall-resource',
  'integration/oidc/code-flow',
  'integration/oidc/provider-pages',
  'integration/scale-out/read-replica',
  'integration/oidc/one-session-model',
  'integration/oidc/discovery',
  'integration/recovery/',
  'integration/docs/browser',
  'integration/cluster',
  'integration/security/fuzz',
  'integration/oidc/mount-paths',
]

/**
 * Last: the Docker image's build, which .ci/run starts beside `npm ci` so that by now its layers are
 * in Docker's cache (started first, it would build the same layers a second time beside the first).
 */
const LAST = ['packaging/docker-image']

function rank(file) {
  if (LAST.some((prefix) => file.includes(`/dist/test/${prefix}`))) return SLOWEST_FIRST.length + 1
  const index = SLOWEST_FIRST.findIndex((prefix) => file.includes(`/dist/test/${prefix}`))
  return index === -1 ? SLOWEST_FIRST.length : index
}

export default {
  files: ['dist/test/**/*.test.js'],
  timeout: '2m',
  concurrency: 3,
  sortTestFiles: (a, b) => rank(a) - rank(b) || a.localeCompare(b),
}
