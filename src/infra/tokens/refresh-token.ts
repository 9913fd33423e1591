import { createHash, randomBytes } from 'node:crypto'

const PREFIX = 'hrt_'

/** An opaque refresh token: 256 bits from the CSPRNG, prefixed so secret scanners can spot it. */
export function generateRefreshToken(): string {
  return PREFIX + randomBytes(32).toString('base64url')
}

/** Only this hash is stored; a plain SHA-256 suffices for a 256-bit random value. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}
