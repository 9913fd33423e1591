import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from 'node:crypto'
import { HeimdallError } from '../../errors.js'
import type { DataKeyring } from './key-source.js'

/**
 * Secrets at rest (TOTP seeds, the private halves of signing keys): AES-256-GCM under the current
 * data key, a fresh 96-bit IV per value, and associated data naming what the value belongs to (so
 * that a row copied to another user or key does not open). The data key is its own random 256-bit
 * key, not the JWT secret: changing that secret must not lock anyone out.
 * Format "v2.<key id>.iv.tag.ciphertext", base64url; the key id lets rotation keep older keys readable
 * until every value is sealed again. Values written before data keys existed ("v1...", under the JWT
 * secret) still open through `legacy`.
 */
const FORMAT = 'v2'

export interface SecretBox {
  /** Seals UTF-8 text or bytes under the current data key; `associatedData` must be given again to open it. */
  seal(plaintext: string | Buffer, associatedData: string): Promise<string>
  /** Opens a sealed value as UTF-8 text; throws config.invalid when no configured key opens it. */
  open(sealed: string, associatedData: string): Promise<string>
  /** Opens a sealed value as bytes (the caller zeroes them when done); throws as open does. */
  openBytes(sealed: string, associatedData: string): Promise<Buffer>
  /** The data key id a value is sealed under, or 'legacy' for one sealed under the JWT secret. */
  sealedUnder(sealed: string): string
  /** The id of the key that seals now (reads the key ring). */
  currentKeyId(): string
}

/** Opens a value sealed before data keys existed; throws config.invalid when it does not open. */
export type LegacyOpener = (sealed: string, associatedData: string) => Promise<Buffer>

/** `keyring` is read only when a value is sealed or opened, so commands that never do need no key. */
export function createSecretBox(options: { keyring: DataKeyring; legacy: LegacyOpener }): SecretBox {
  const { keyring } = options

  async function openBytes(sealed: string, associatedData: string): Promise<Buffer> {
    const [format, id, ...parts] = sealed.split('.')
    if (format === 'v1') return options.legacy(sealed, associatedData)
    if (format !== FORMAT || parts.length !== 3) throw new HeimdallError('internal', 'A sealed secret is stored in an unknown format')
    const dataKey = keyring.find(id)
    if (dataKey === undefined) {
      throw new HeimdallError('config.invalid', `A secret stored at rest is sealed under data key "${id}", which ${keyring.source()} does not hold: restore that key`)
    }
    const [iv, tag, ciphertext] = parts.map((part) => Buffer.from(part, 'base64url'))
    try {
      return decrypt(dataKey.key, iv, tag, ciphertext, associatedData)
    } catch {
      throw new HeimdallError('config.invalid', `A secret stored at rest does not open under data key "${id}" from ${keyring.source()}: that key is not the one it was sealed with`)
    }
  }

  return {
    async seal(plaintext, associatedData) {
      const { id, key } = keyring.current()
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      cipher.setAAD(Buffer.from(associatedData))
      const ciphertext = Buffer.concat([cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext), cipher.final()])
      return [FORMAT, id, ...[iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'))].join('.')
    },
    async open(sealed, associatedData) {
      return (await openBytes(sealed, associatedData)).toString('utf8')
    },
    openBytes,
    sealedUnder(sealed) {
      const [format, id] = sealed.split('.')
      return format === FORMAT ? id : 'legacy'
    },
    currentKeyId: () => keyring.current().id,
  }
}

/** AES-256-GCM decryption; throws when the key, IV, tag or associated data do not match. */
export function decrypt(key: KeyObject | Buffer, iv: Buffer, tag: Buffer, ciphertext: Buffer, associatedData: string): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv)
  decipher.setAAD(Buffer.from(associatedData))
  decipher.setAuthTag(tag)
  return Buffer.concat([decipher.update(ciphertext), decipher.final()])
}
