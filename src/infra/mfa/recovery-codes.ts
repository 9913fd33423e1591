import { createHash, randomInt } from 'node:crypto'

/** Ten codes of 16 characters of Crockford's Base32 (no i, l, o, u): 80 bits each, shown as xxxx-xxxx-xxxx-xxxx. */
export const RECOVERY_CODE_COUNT = 10
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'
const LENGTH = 16

/** Fresh codes, to show once; store only recoveryCodeHash() of each. */
export function generateRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(32)]).join('')
    return chars.match(/.{4}/g)!.join('-')
  })
}

/**
 * What is stored: SHA-256 of the code as typed, less case, spaces and dashes. With 80 random bits a
 * plain hash is enough (as for refresh tokens): no dictionary reaches them.
 */
export function recoveryCodeHash(code: string): string {
  return createHash('sha256').update(normalizeRecoveryCode(code), 'utf8').digest('hex')
}

export function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '')
}
