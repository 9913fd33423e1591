import { pbkdf2 } from 'node:crypto'
import { decodeBase64, sameBytes } from './encoding.js'
import type { HashKind } from './hash-kind.js'

/**
 * PBKDF2-HMAC-SHA256/512 in the two spellings other systems export (import only):
 * - Django's `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`: the salt is text, used as its UTF-8
 *   bytes; the hash is the digest's length.
 * - passlib's PHC-like `$pbkdf2-sha256$<iterations>$<salt>$<hash>`: salt and hash in base64 without
 *   padding (the "adapted" `.` for `+` or the standard alphabet, padding allowed, so that Keycloak's
 *   base64 salt and value can be written into it as they are); the hash's length is the key length.
 */
const DJANGO = /^pbkdf2_(sha256|sha512)\$(\d{1,9})\$([^$]+)\$([A-Za-z0-9+/=]+)$/
const PHC = /^\$pbkdf2-(sha256|sha512)\$(\d{1,9})\$([A-Za-z0-9+/.]*={0,2})\$([A-Za-z0-9+/.]+={0,2})$/

/** What a sign-in may spend: a hash asking for more is refused at import, not run. */
export const PBKDF2_MAX_ITERATIONS = 10_000_000

interface Pbkdf2Parts {
  digest: 'sha256' | 'sha512'
  iterations: number
  salt: Buffer
  expected: Buffer
}

function partsOf(hash: string): Pbkdf2Parts | string {
  const django = DJANGO.exec(hash)
  const phc = django ? undefined : PHC.exec(hash)
  const match = django ?? phc
  if (!match) return 'a PBKDF2 hash is pbkdf2_sha256$iterations$salt$hash (Django) or $pbkdf2-sha256$iterations$salt$hash'
  const digest = match[1] as Pbkdf2Parts['digest']
  const iterations = Number(match[2])
  const salt = django ? Buffer.from(match[3]!, 'utf8') : decodeBase64(match[3]!)
  const expected = decodeBase64(match[4]!)
  if (!salt || !expected || expected.length < 16) return 'PBKDF2 salt or hash is not base64 (hash at least 16 bytes)'
  if (iterations < 1 || iterations > PBKDF2_MAX_ITERATIONS) return `PBKDF2 iterations must be between 1 and ${PBKDF2_MAX_ITERATIONS}`
  return { digest, iterations, salt, expected }
}

function pbkdf2Bytes(password: string, parts: Pbkdf2Parts): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    pbkdf2(password, parts.salt, parts.iterations, parts.expected.length, parts.digest, (error, key) => (error ? reject(error) : resolve(key)))
  })
}

export const PBKDF2_KIND: HashKind = {
  name: 'pbkdf2',
  recognizes: (hash) => /^(pbkdf2_sha(256|512)\$|\$pbkdf2-sha(256|512)\$)/.test(hash),
  problem(hash) {
    const parts = partsOf(hash)
    return typeof parts === 'string' ? parts : undefined
  },
  async verify(password, hash) {
    const parts = partsOf(hash)
    if (typeof parts === 'string') return false
    return sameBytes(await pbkdf2Bytes(password, parts), parts.expected)
  },
}
