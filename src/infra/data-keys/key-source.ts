import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import type { Config } from '../../config.js'
import { HeimdallError } from '../../errors.js'
import { formatKeyring, generateDataKey, parseKeyring, type DataKey } from '../../domain/data-keyring.js'
import { databaseProductName, isEmbeddedDatabase } from '../db/dialect.js'

/** The data key file: HEIMDALL_DATA_KEY_FILE, else `data-keys` beside the JWT secret file. */
export function dataKeyFileOf(config: Pick<Config, 'dataKeyFile' | 'secretFile'>): string {
  return resolve(config.dataKeyFile ?? join(dirname(config.secretFile), 'data-keys'))
}

export interface DataKeyring {
  /** The key that seals; for a file, re-read when the file changed (another process rotated). */
  current(): DataKey
  /** The key of that id; for a file, re-read once when the id is unknown. Undefined when no source has it. */
  find(id: string): DataKey | undefined
  /** Where the keys come from: 'HEIMDALL_DATA_KEYS' or the file's path (never key material). */
  source(): string
  /**
   * Puts a freshly generated key first in the file, keeping the others readable, and answers it.
   * Throws config.invalid when the keys come from HEIMDALL_DATA_KEYS, which only the operator edits.
   */
  addCurrentKey(): DataKey
}

/**
 * The data keys, read on first use: from HEIMDALL_DATA_KEYS, else from the key file, generated there
 * (mode 0600) when missing on SQLite or when HEIMDALL_DATA_KEY_FILE names it. MySQL deployments may
 * run many instances, which must share their keys: without either setting the keys are refused there.
 * `generate: false` (doctor) never writes a file: a missing one throws config.invalid on use.
 */
export function createDataKeyring(config: Config, options: { generate?: boolean } = {}): DataKeyring {
  const generateMissing = options.generate !== false
  const fromSetting = config.dataKeys !== undefined
  let keys: DataKey[] | undefined
  let fileStamp = ''

  const load = (generate: boolean): DataKey[] => {
    if (config.dataKeys !== undefined) return parseKeyring(config.dataKeys, 'HEIMDALL_DATA_KEYS')
    const path = dataKeyFileOf(config)
    let text = readKeyFile(path)
    if (text === undefined) {
      if (!generate || !mayGenerate(config)) throw missingKeys(path, config)
      text = createKeyFile(path)
    }
    fileStamp = stampOf(path)
    return parseKeyring(text, path)
  }
  const loaded = (): DataKey[] => (keys ??= load(generateMissing))

  return {
    current() {
      if (!fromSetting && keys !== undefined && stampOf(dataKeyFileOf(config)) !== fileStamp) keys = load(false)
      return loaded()[0]
    },
    find(id) {
      const found = loaded().find((key) => key.id === id)
      if (found !== undefined || fromSetting) return found
      keys = load(false)
      return keys.find((key) => key.id === id)
    },
    source: () => (fromSetting ? 'HEIMDALL_DATA_KEYS' : dataKeyFileOf(config)),
    addCurrentKey() {
      if (fromSetting) {
        throw new HeimdallError('config.invalid', 'The data keys come from HEIMDALL_DATA_KEYS: put a new key first there on every instance, restart them, then run data-key:rotate --reencrypt-only')
      }
      const path = dataKeyFileOf(config)
      const existing = load(true)
      const added = generateDataKey()
      writeKeyFileAtomically(path, formatKeyring([added, ...existing]))
      keys = load(false)
      return added
    },
  }
}

export type DataKeysDescription =
  | { kind: 'configured'; source: 'HEIMDALL_DATA_KEYS'; ids: string[] }
  | { kind: 'file'; path: string; ids: string[]; mode: number }
  | { kind: 'not_generated_yet'; path: string }
  | { kind: 'missing'; path: string }
  | { kind: 'invalid'; source: string; problem: string }

/** Where the data keys come from, their ids (current first) and the file's mode, WITHOUT generating a file. */
export function describeDataKeys(config: Config): DataKeysDescription {
  if (config.dataKeys !== undefined) return { kind: 'configured', source: 'HEIMDALL_DATA_KEYS', ids: parseKeyring(config.dataKeys, 'HEIMDALL_DATA_KEYS').map((key) => key.id) }
  const path = dataKeyFileOf(config)
  let text: string | undefined
  try {
    text = readKeyFile(path)
  } catch (error) {
    return { kind: 'invalid', source: path, problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` }
  }
  if (text === undefined) return mayGenerate(config) ? { kind: 'not_generated_yet', path } : { kind: 'missing', path }
  try {
    return { kind: 'file', path, ids: parseKeyring(text, path).map((key) => key.id), mode: statSync(path).mode & 0o777 }
  } catch (error) {
    return { kind: 'invalid', source: path, problem: (error as Error).message.slice(path.length + 1) }
  }
}

function mayGenerate(config: Config): boolean {
  return isEmbeddedDatabase(config.databaseType) || config.dataKeyFile !== undefined
}

function missingKeys(path: string, config: Config): HeimdallError {
  return new HeimdallError(
    'config.invalid',
    `No data keys: with ${databaseProductName(config.databaseType)} every instance must share them. Set HEIMDALL_DATA_KEY_FILE to a shared file (generated there if missing) or HEIMDALL_DATA_KEYS (looked for ${path})`,
  )
}

function readKeyFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** Changes when the file is replaced or rewritten: mtime, size and inode. */
function stampOf(path: string): string {
  try {
    const stat = statSync(path)
    return `${stat.mtimeMs}/${stat.size}/${stat.ino}`
  } catch {
    return ''
  }
}

function createKeyFile(path: string): string {
  mkdirSync(dirname(path), { recursive: true })
  const text = formatKeyring([generateDataKey()])
  try {
    writeFileSync(path, text, { mode: 0o600, flag: 'wx' })
    return text
  } catch (error) {
    // Another process created it first: use theirs, so that both seal with the same key.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8')
    throw error
  }
}

/** A reader sees the old file or the new one, never half of one. */
function writeKeyFileAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`
  writeFileSync(temporary, text, { mode: 0o600, flag: 'w' })
  chmodSync(temporary, 0o600)
  renameSync(temporary, path)
}
