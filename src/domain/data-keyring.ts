import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto'
import { HeimdallError } from '../errors.js'

/** One data key: a 256-bit AES key and the id that names it inside every value it seals. */
export interface DataKey {
  /** 1-32 characters of [A-Za-z0-9_-]: it sits between the dots of a sealed value. */
  id: string
  key: KeyObject
}

const ID = /^[A-Za-z0-9_-]{1,32}$/
const KEY_BYTES = 32

/**
 * Parses a key ring as HEIMDALL_DATA_KEYS and the data key file spell it: entries `id:key` (the key
 * 32 random bytes, base64url or base64), separated by commas or line breaks, `#` starting a comment
 * line. The FIRST entry is the current key, which seals; the others only open what they sealed.
 * Throws config.invalid naming `source` and what is wrong (never the key material).
 */
export function parseKeyring(text: string, source: string): DataKey[] {
  const entries = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .flatMap((line) => line.split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
  if (entries.length === 0) throw keyringError(source, 'holds no key')
  const keys: DataKey[] = []
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':')
    const id = colon < 0 ? '' : entry.slice(0, colon).trim()
    if (!ID.test(id)) throw keyringError(source, `entry ${index + 1} must look like "id:key", the id 1-32 letters, digits, "-" or "_"`)
    // Node's base64 decoder reads both alphabets, so `openssl rand -base64 32` works as well.
    const material = Buffer.from(entry.slice(colon + 1).trim(), 'base64')
    if (material.length !== KEY_BYTES) throw keyringError(source, `key "${id}" must be ${KEY_BYTES} random bytes, base64url (got ${material.length} bytes)`)
    if (keys.some((key) => key.id === id)) throw keyringError(source, `names key "${id}" twice`)
    keys.push({ id, key: createSecretKey(material) })
  }
  return keys
}

/** The text of a key ring, one `id:key` line each, the current key first (as parseKeyring reads it). */
export function formatKeyring(keys: readonly DataKey[]): string {
  const lines = keys.map((key) => `${key.id}:${key.key.export().toString('base64url')}`)
  return `# Heimdall data keys: the first one seals; every one opens. Keep this file secret and backed up.\n${lines.join('\n')}\n`
}

/** A fresh key with a random id (so that two instances generating at once cannot collide on one). */
export function generateDataKey(): DataKey {
  return { id: `dk${randomBytes(6).toString('base64url').replace(/[-_]/g, 'x')}`, key: createSecretKey(randomBytes(KEY_BYTES)) }
}

function keyringError(source: string, problem: string): HeimdallError {
  return new HeimdallError('config.invalid', `${source} ${problem}`)
}
