import { scrypt } from 'node:crypto'
import { decodeBase64, phcNumbers, sameBytes } from './encoding.js'
import type { HashKind } from './hash-kind.js'

/**
 * scrypt in passlib's PHC form: `$scrypt$ln=16,r=8,p=1$<salt>$<hash>`, N = 2^ln, salt and hash in
 * base64 without padding (passlib's "adapted" alphabet, `.` for `+`, is read too); the hash's length
 * is the key length. Import only: such users are rehashed on their next sign-in.
 */
const SCRYPT = /^\$scrypt\$([^$]+)\$([A-Za-z0-9+/.]+={0,2})\$([A-Za-z0-9+/.]+={0,2})$/

/** scrypt's memory is 128·N·r·p bytes: more than this is refused rather than tried. */
export const SCRYPT_MAX_MEMORY = 256 * 1024 * 1024

interface ScryptParts {
  n: number
  r: number
  p: number
  salt: Buffer
  expected: Buffer
}

function partsOf(hash: string): ScryptParts | string {
  const match = SCRYPT.exec(hash)
  if (!match) return 'a scrypt hash is $scrypt$ln=..,r=..,p=..$salt$hash (base64)'
  const params = phcNumbers(match[1]!, ['ln', 'r', 'p'])
  if (!params || params.ln === undefined || params.r === undefined || params.p === undefined) return 'scrypt parameters must be ln, r and p'
  const salt = decodeBase64(match[2]!)
  const expected = decodeBase64(match[3]!)
  if (!salt || !expected || expected.length < 16) return 'scrypt salt or hash is not base64 (hash at least 16 bytes)'
  return scryptParams(params.ln, params.r, params.p, salt, expected)
}

/** Checks N = 2^ln, r and p against what a sign-in may spend. */
export function scryptParams(ln: number, r: number, p: number, salt: Buffer, expected: Buffer): ScryptParts | string {
  if (ln < 1 || ln > 24 || r < 1 || p < 1) return `scrypt parameters out of range (ln=${ln}, r=${r}, p=${p})`
  const n = 2 ** ln
  if (128 * n * r * p > SCRYPT_MAX_MEMORY) return `scrypt parameters need more than ${SCRYPT_MAX_MEMORY / 1024 / 1024} MiB`
  return { n, r, p, salt, expected }
}

/** scrypt on libuv's thread pool; the memory bound is passed on so Node does not refuse first. */
export function scryptBytes(password: string | Buffer, salt: Buffer, length: number, cost: { n: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, length, { N: cost.n, r: cost.r, p: cost.p, maxmem: SCRYPT_MAX_MEMORY + 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)))
  })
}

export const SCRYPT_KIND: HashKind = {
  name: 'scrypt',
  recognizes: (hash) => hash.startsWith('$scrypt$'),
  problem(hash) {
    const parts = partsOf(hash)
    return typeof parts === 'string' ? parts : undefined
  },
  async verify(password, hash) {
    const parts = partsOf(hash)
    if (typeof parts === 'string') return false
    return sameBytes(await scryptBytes(password, parts.salt, parts.expected.length, parts), parts.expected)
  },
}
