// `npm run test:profile`: the suite as ava.config.js runs it, but each file in a process of its own
// (not a worker thread), so that test/support/profile-hook.js can measure each file's CPU time.
import base from './ava.config.js'

export default { ...base, workerThreads: false, require: ['./dist/test/support/profile-hook.js'] }
