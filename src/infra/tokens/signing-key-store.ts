import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  randomBytes,
  scrypt,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto'
import { promisify } from 'node:util'
import { publicationEnd, type AsymmetricAlg } from '../../domain/signing-key-lifecycle.js'
import { HeimdallError } from '../../errors.js'
import type { SigningKeyRow } from '../db/tables.js'
import type { SigningKeysRepository } from '../repositories/signing-keys.js'

const generateKeyPairAsync = promisify(generateKeyPair)
const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, keylen: number, options: object) => Promise<Buffer>

/**
 * Private keys at rest: AES-256-GCM under a key derived from HEIMDALL_JWT_SECRET with scrypt (a fresh
 * salt per key), the kid and alg bound in as associated data so that rows cannot be swapped.
 * Format "v1.salt.iv.tag.ciphertext", base64url; the plaintext is the PKCS#8 DER of the private key.
 */
const SCRYPT_OPTIONS = { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }
const FORMAT = 'v1'

export interface PublicJwk {
  kty: string
  kid: string
  alg: AsymmetricAlg
  use: 'sig'
  [member: string]: string
}

export type SigningKeyStore = ReturnType<typeof createSigningKeyStore>

/** The signing keys in the database: creating, retiring and decrypting them. The secret is read only when needed. */
export function createSigningKeyStore(options: { repository: SigningKeysRepository; secret: () => string; accessTokenTtlSeconds: number }) {
  const { repository } = options

  async function retireAllExcept(kid: string, now: number): Promise<Array<{ kid: string; publishedUntil: number }>> {
    const retired = []
    for (const key of await repository.findActiveSigningKeys()) {
      if (key.kid === kid) continue
      const publishedUntil = publicationEnd(now, options.accessTokenTtlSeconds, key.signed_until)
      if (await repository.retireSigningKey(key.kid, now, publishedUntil)) retired.push({ kid: key.kid, publishedUntil })
    }
    return retired
  }

  /** A new key pair for `alg`, stored active; the caller retires the others. */
  async function create(alg: AsymmetricAlg, now: number): Promise<SigningKeyRow> {
    const { publicKey, privateKey } =
      alg === 'EdDSA' ? await generateKeyPairAsync('ed25519') : await generateKeyPairAsync('rsa', { modulusLength: 2048, publicExponent: 0x10001 })
    const jwk = publicKey.export({ format: 'jwk' }) as unknown as Record<string, string>
    const kid = thumbprint(jwk)
    const row: SigningKeyRow = {
      kid,
      alg,
      public_jwk: JSON.stringify(jwk),
      private_key_encrypted: await encryptPrivateKey(privateKey, options.secret(), `${kid}.${alg}`),
      created_at: now,
      retired_at: null,
      published_until: null,
      signed_until: null,
    }
    await repository.insertSigningKey(row)
    return row
  }

  return {
    create,

    retireAllExcept,

    /**
     * Makes sure one key of `alg` is active, creating it if needed. When several processes start at
     * once and each creates one, the newest wins and the others are retired (still published), so all
     * converge on one signing key at their next reload.
     */
    async ensureActive(alg: AsymmetricAlg, now: number): Promise<void> {
      let active = await repository.findActiveSigningKeys()
      if (!active.some((key) => key.alg === alg)) {
        await create(alg, now)
        active = await repository.findActiveSigningKeys()
      }
      const newest = active.filter((key) => key.alg === alg).at(-1)
      if (newest && active.length > 1) await retireAllExcept(newest.kid, now)
    },

    /** Keys that sign or verify now, oldest first. */
    published(now: number): Promise<SigningKeyRow[]> {
      return repository.findPublishedSigningKeys(now)
    },

    list(): Promise<SigningKeyRow[]> {
      return repository.findSigningKeys()
    },

    privateKeyOf(row: SigningKeyRow): Promise<KeyObject> {
      if (row.private_key_encrypted === null) throw new HeimdallError('internal', `Signing key ${row.kid} has no private key (it is retired)`)
      return decryptPrivateKey(row.private_key_encrypted, options.secret(), `${row.kid}.${row.alg}`)
    },

    /** A token outliving the usual lifetime keeps its key published until it expires (epoch ms). */
    recordLongLivedToken(kid: string, expiresAt: number): Promise<void> {
      return repository.updateSigningKeySignedUntil(kid, expiresAt, publicationEnd(0, 0, expiresAt))
    },
  }
}

/** The public half as a KeyObject, and as the JWK published for it. */
export function publicKeyOf(row: SigningKeyRow): { key: KeyObject; jwk: PublicJwk } {
  const stored = JSON.parse(row.public_jwk) as Record<string, string>
  const key = createPublicKey({ key: stored as JsonWebKey, format: 'jwk' })
  return { key, jwk: { ...stored, kty: stored.kty, kid: row.kid, alg: row.alg as AsymmetricAlg, use: 'sig' } }
}

/** RFC 7638 JWK thumbprint: SHA-256 over the required members in lexicographic order. */
function thumbprint(jwk: Record<string, string>): string {
  const required = jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x }
  return createHash('sha256').update(JSON.stringify(required)).digest('base64url')
}

async function encryptPrivateKey(privateKey: KeyObject, secret: string, associatedData: string): Promise<string> {
  const salt = randomBytes(16)
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', await deriveKey(secret, salt), iv)
  cipher.setAAD(Buffer.from(associatedData))
  const plaintext = privateKey.export({ format: 'der', type: 'pkcs8' })
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()])
  plaintext.fill(0)
  return [FORMAT, salt, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.')
}

async function decryptPrivateKey(stored: string, secret: string, associatedData: string): Promise<KeyObject> {
  const [format, ...parts] = stored.split('.')
  if (format !== FORMAT || parts.length !== 4) throw new HeimdallError('internal', 'A signing key is stored in an unknown format')
  const [salt, iv, tag, ciphertext] = parts.map((part) => Buffer.from(part, 'base64url'))
  try {
    const decipher = createDecipheriv('aes-256-gcm', await deriveKey(secret, salt), iv)
    decipher.setAAD(Buffer.from(associatedData))
    decipher.setAuthTag(tag)
    const plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()])
    const key = createPrivateKey({ key: plaintext, format: 'der', type: 'pkcs8' })
    plaintext.fill(0)
    return key
  } catch {
    throw new HeimdallError(
      'config.invalid',
      'The signing key in the database cannot be decrypted: HEIMDALL_JWT_SECRET is not the secret it was encrypted with',
    )
  }
}

function deriveKey(secret: string, salt: Buffer): Promise<Buffer> {
  return scryptAsync(secret, salt, 32, SCRYPT_OPTIONS)
}
