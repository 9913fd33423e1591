import { createCipheriv } from 'node:crypto'
import { decodeBase64, phcBase64, phcNumbers, sameBytes } from './encoding.js'
import type { HashKind } from './hash-kind.js'
import { scryptBytes, scryptParams } from './scrypt.js'

/**
 * Firebase Authentication's modified scrypt (github.com/firebase/scrypt), import only:
 * key = scrypt(password, salt ‖ salt separator, N = 2^mem_cost, r = rounds, p = 1, 32 bytes), and
 * the hash is the project's signer key encrypted with AES-256-CTR under that key (16 zero bytes of
 * IV). The project's parameters travel inside each stored hash, so that it is checked on its own:
 * `$firebase-scrypt$ln=<mem_cost>,r=<rounds>$<salt separator>$<signer key>$<salt>$<hash>` (base64
 * without padding). The signer key is needed to check, as the hash is, so it is kept with it.
 */
const FIREBASE = /^\$firebase-scrypt\$([^$]+)\$([A-Za-z0-9+/]*)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/

/** The shortest signer key (and so hash) taken, in bytes: the floor of the PBKDF2 and scrypt kinds. */
const MIN_HASH_BYTES = 16

/** A Firebase project's password hash parameters (the console's "Password hash parameters"). */
export interface FirebaseHashConfig {
  signerKey: Buffer
  saltSeparator: Buffer
  rounds: number
  memCost: number
}

interface FirebaseParts {
  config: FirebaseHashConfig
  salt: Buffer
  expected: Buffer
}

function partsOf(hash: string): FirebaseParts | string {
  const match = FIREBASE.exec(hash)
  if (!match) return 'a Firebase scrypt hash is $firebase-scrypt$ln=..,r=..$separator$signer_key$salt$hash'
  const params = phcNumbers(match[1]!, ['ln', 'r'])
  const [saltSeparator, signerKey, salt, expected] = match.slice(2, 6).map((part) => decodeBase64(part))
  if (!params || params.ln === undefined || params.r === undefined) return 'Firebase scrypt parameters must be ln (mem_cost) and r (rounds)'
  if (!saltSeparator || !signerKey || !salt || !expected || expected.length !== signerKey.length) return 'Firebase scrypt parts are not base64, or the hash is not as long as the signer key'
  // As the other kinds: an empty signer key encrypts to an empty hash, which every password matched.
  if (expected.length < MIN_HASH_BYTES) return `Firebase scrypt signer key and hash must be at least ${MIN_HASH_BYTES} bytes (a project's are 64)`
  const checked = scryptParams(params.ln, params.r, 1, salt, expected)
  if (typeof checked === 'string') return checked
  return { config: { signerKey, saltSeparator, rounds: params.r, memCost: params.ln }, salt, expected }
}

/** The stored form of a Firebase user's hash (`passwordHash` and `salt` of `firebase auth:export`, base64). */
export function firebaseStoredHash(config: FirebaseHashConfig, salt: Buffer, hash: Buffer): string {
  const parts = [config.saltSeparator, config.signerKey, salt, hash].map(phcBase64)
  return `$firebase-scrypt$ln=${config.memCost},r=${config.rounds}$${parts.join('$')}`
}

/** Firebase's hash of `password` with `salt`: for checking, and for tests against its published vector. */
export async function firebaseHash(config: FirebaseHashConfig, salt: Buffer, password: string): Promise<Buffer> {
  const key = await scryptBytes(password, Buffer.concat([salt, config.saltSeparator]), 32, { n: 2 ** config.memCost, r: config.rounds, p: 1 })
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16))
  return Buffer.concat([cipher.update(config.signerKey), cipher.final()])
}

export const FIREBASE_SCRYPT_KIND: HashKind = {
  name: 'firebase-scrypt',
  recognizes: (hash) => hash.startsWith('$firebase-scrypt$'),
  problem(hash) {
    const parts = partsOf(hash)
    return typeof parts === 'string' ? parts : undefined
  },
  async verify(password, hash) {
    const parts = partsOf(hash)
    if (typeof parts === 'string') return false
    return sameBytes(await firebaseHash(parts.config, parts.salt, password), parts.expected)
  },
}
