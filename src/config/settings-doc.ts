import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { defaultOf, settingRows } from './load-config.js'
import { CROSS_RULES, type Setting } from './settings.js'

/**
 * docs/configuration.md's settings table, rendered from the settings table (src/config/settings.ts).
 * `node dist/src/config/settings-doc.js` prints it; with `--write` it replaces the table in
 * docs/configuration.md, between the two markers, leaving the prose around it as it is.
 */

export const TABLE_START = '<!-- settings table: generated from src/config/settings.ts by `node dist/src/config/settings-doc.js --write`; edit the rows there -->'
export const TABLE_END = '<!-- end of settings table -->'

/** docs/configuration.md, from where this runs: dist/src/config/. */
export const CONFIGURATION_DOC = fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url))

/** The markdown table (one row per setting, in table order) and the rules across settings under it. */
export function renderSettingsTable(): string {
  const lines = ['| variable | flag | default | accepts | meaning |', '|---|---|---|---|---|']
  for (const [, row] of settingRows()) {
    const cells = [`\`${row.env}\``, row.flag ? `\`${row.flag}\`` : '', defaultCell(row), row.parser.accepts, meaning(row)]
    lines.push(`| ${cells.map(escapeCell).join(' | ')} |`)
  }
  lines.push('', 'Rules across settings, checked at start-up like the bounds above:', '')
  for (const rule of CROSS_RULES) lines.push(`- ${rule.doc}`)
  return lines.join('\n')
}

/**
 * `markdown` (docs/configuration.md) with the text between TABLE_START and TABLE_END replaced by
 * renderSettingsTable(). Throws when a marker is missing.
 */
export function withSettingsTable(markdown: string): string {
  const start = markdown.indexOf(TABLE_START)
  const end = markdown.indexOf(TABLE_END)
  if (start < 0 || end < start) throw new Error(`docs/configuration.md must hold the lines\n${TABLE_START}\n${TABLE_END}`)
  return `${markdown.slice(0, start + TABLE_START.length)}\n${renderSettingsTable()}\n${markdown.slice(end)}`
}

function defaultCell(row: Setting<unknown>): string {
  if (row.defaultDoc !== undefined) return row.defaultDoc
  const fallback = defaultOf(row, {})
  return fallback === undefined ? 'unset' : `\`${row.parser.describe(fallback)}\``
}

function meaning(row: Setting<unknown>): string {
  return row.secret ? `${row.doc}. Secret: never printed` : row.doc
}

/** A pipe inside a cell would end it. */
function escapeCell(cell: string): string {
  return cell.replace(/(?<!\\)\|/g, '\\|')
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes('--write')) writeFileSync(CONFIGURATION_DOC, withSettingsTable(readFileSync(CONFIGURATION_DOC, 'utf8')))
  else process.stdout.write(`${renderSettingsTable()}\n`)
}
