// Build step: writes oclif.manifest.json so that `heimdall --help` lists commands without importing
// them (and the server code they pull in): the difference between ~0.15 s and ~0.8 s.
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Plugin } from '@oclif/core'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const plugin = new Plugin({ root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true })
await plugin.load()
writeFileSync(`${root}/oclif.manifest.json`, JSON.stringify(plugin.manifest, null, 2))
console.log(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands`)
