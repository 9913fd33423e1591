/**
 * AVA's settings (they were in package.json; a comparator needs a JavaScript file).
 *
 * Files run three at a time on two cores: most of a test's time is spent waiting (on MariaDB, on a
 * browser, on a child process, on a poll), and the CPU-heavy builds run at a low priority
 * (test/support/run-command.ts). The files that take minutes start first, so that they run beside the
 * rest instead of after it (docs/testing.md has the profile these come from).
 */
const SLOWEST_FIRST = [
  'packaging/npm-pack',
  'integration/pages/account-browser',
  'integration/pages/embedded-default',
  'integration/pages/product-pages',
  'integration/oidc/heimdall-resource',
  'integration/oidc/code-flow',
  'integration/federation/upstream-browser',
  'integration/federation/heimdall-upstream',
  'integration/oidc/provider-pages',
  'integration/oidc/one-session-model',
  'integration/oidc/discovery',
  'integration/recovery/',
  'integration/docs/browser',
  'integration/security/fuzz',
  'integration/oidc/mount-paths',
]

/**
 * Last: the Docker image's build, which .ci/run starts beside `npm ci` so that by now its layers are
 * in Docker's cache (started first, it would build the same layers a second time beside the first).
 */
const LAST = ['packaging/docker-image']

/**
 * Files that hold real `serve` processes to bounds in milliseconds (revocation seen by another
 * instance within one poll, Redis lag under 100 ms), and the quick bench (at the height of the run a
 * server starved by the rest finished no registration in its 6 s): with the others beside them the
 * machine's load became their result. The verifier's stream test holds each kind of revocation to 1 s
 * between Heimdall and two services (packages/verify/test/stream.test.ts): the same kind of bound.
 * `npm test` runs them afterwards, one at a time (ava.alone.config.js).
 */
export const ALONE = ['dist/test/integration/scale-out/**/*.test.js', 'dist/test/integration/cluster.test.js', 'dist/test/bench/*.test.js', 'dist/packages/verify/test/stream.test.js']

function rank(file) {
  const last = LAST.findIndex((prefix) => file.includes(`/dist/test/${prefix}`))
  if (last !== -1) return SLOWEST_FIRST.length + 1 + last
  const index = SLOWEST_FIRST.findIndex((prefix) => file.includes(`/dist/test/${prefix}`))
  return index === -1 ? SLOWEST_FIRST.length : index
}

export default {
  files: ['dist/test/**/*.test.js', 'dist/packages/*/test/**/*.test.js', ...ALONE.map((glob) => `!${glob}`)],
  timeout: '2m',
  concurrency: 3,
  sortTestFiles: (a, b) => rank(a) - rank(b) || a.localeCompare(b),
}
