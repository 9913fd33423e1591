import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from 'node:crypto'
import { HeimdallError } from '../../errors.js'

/**
 * Small secrets at rest (TOTP seeds), sealed like the signing keys' private halves
 * (infra/tokens/signing-key-store.ts): AES-256-GCM under a key that only HEIMDALL_JWT_SECRET yields,
 * a fresh 96-bit IV per value, and associated data naming what the value belongs to (so that a row
 * copied to another user does not open). The key is the context's HKDF-SHA256 key for this purpose
 * (RFC 5869): the secret is at least 32 random bytes, so no slow KDF is needed, and a login does not
 * pay scrypt's 16 MiB and tens of milliseconds for each code it checks.
 * Format "v1.iv.tag.ciphertext", base64url.
 */
const FORMAT = 'v1'

export interface SecretBox {
  /** Seals UTF-8 text; `associatedData` must be given again to open it. */
  seal(plaintext: string, associatedData: string): Promise<string>
  /** Opens a sealed value; throws config.invalid when HEIMDALL_JWT_SECRET is not the one it was sealed under. */
  open(sealed: string, associatedData: string): Promise<string>
}

/** `key` is read only when a value is sealed or opened, so commands that never do need no secret. */
export function createSecretBox(key: () => KeyObject): SecretBox {
  return {
    async seal(plaintext, associatedData) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key(), iv)
      cipher.setAAD(Buffer.from(associatedData))
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      return [FORMAT, ...[iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'))].join('.')
    },

    async open(sealed, associatedData) {
      const [format, ...parts] = sealed.split('.')
      if (format !== FORMAT || parts.length !== 3) throw new HeimdallError('internal', 'A sealed secret is stored in an unknown format')
      const [iv, tag, ciphertext] = parts.map((part) => Buffer.from(part, 'base64url'))
      try {
        const decipher = createDecipheriv('aes-256-gcm', key(), iv)
        decipher.setAAD(Buffer.from(associatedData))
        decipher.setAuthTag(tag)
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8')
      } catch {
        throw new HeimdallError('config.invalid', 'A second-factor secret cannot be decrypted: HEIMDALL_JWT_SECRET is not the secret it was encrypted with')
      }
    },
  }
}
