import { createSecretKey, hkdfSync, scrypt } from 'node:crypto'
import { promisify } from 'node:util'
import { HeimdallError } from '../../errors.js'
import { decrypt, type LegacyOpener } from './secret-box.js'

const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>
const SCRYPT_OPTIONS = { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }

/**
 * Opens what releases before data keys sealed under the JWT secret, so that an upgrade loses nothing:
 * - TOTP seeds, "v1.iv.tag.ciphertext": AES-256-GCM under HKDF-SHA256(secret, info "heimdall mfa secret box");
 * - private signing keys, "v1.salt.iv.tag.ciphertext": AES-256-GCM under scrypt(secret, salt, N=2^14, r=8, p=1).
 * Start-up seals such values again under the data key (usecases/data-keys/reseal-secrets.ts); this
 * stays for values a not yet upgraded instance writes during a rolling upgrade.
 * `secret` is read only when a legacy value is opened.
 */
export function createLegacyOpener(secret: () => string): LegacyOpener {
  return async (sealed, associatedData) => {
    const parts = sealed.split('.').slice(1).map((part) => Buffer.from(part, 'base64url'))
    if (parts.length !== 3 && parts.length !== 4) throw new HeimdallError('internal', 'A sealed secret is stored in an unknown format')
    const jwtSecret = secret()
    try {
      if (parts.length === 3) {
        const key = createSecretKey(Buffer.from(hkdfSync('sha256', jwtSecret, '', 'heimdall mfa secret box', 32)))
        return decrypt(key, parts[0], parts[1], parts[2], associatedData)
      }
      const [salt, iv, tag, ciphertext] = parts
      return decrypt(await scryptAsync(jwtSecret, salt, 32, SCRYPT_OPTIONS), iv, tag, ciphertext, associatedData)
    } catch {
      throw new HeimdallError(
        'config.invalid',
        'A secret stored before data keys existed cannot be decrypted: HEIMDALL_JWT_SECRET is not the secret it was encrypted with (set the old one back, start once, then change it)',
      )
    }
  }
}
