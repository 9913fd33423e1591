import { readFileSync } from 'node:fs'

/** The semver of the installed package; dist/src/version.js sits two levels below package.json. */
export const VERSION: string = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version
