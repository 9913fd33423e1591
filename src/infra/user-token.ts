import { createHash, randomBytes } from 'node:crypto'

/** A one-time token for a mailed link: 256 bits from the CSPRNG, base64url (43 characters, URL-safe). */
export function generateUserToken(): string {
  return randomBytes(32).toString('base64url')
}

/** Only this hash is stored; a plain SHA-256 suffices for a 256-bit random value. */
export function hashUserToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}
