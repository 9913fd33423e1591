// The screenshots of docs/pages.md (test/screenshots/pages.shots.ts), taken through AVA because the
// test server it starts is the tests' own: `npm run screenshots` (a build, then AVA with this file).
// Not part of `npm test` (its files end in .shots.js, not .test.js).
import base from './ava.config.js'

export default { ...base, files: ['dist/test/screenshots/*.shots.js'], concurrency: 1, timeout: '10m' }
