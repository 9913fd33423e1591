import { createHash, createPrivateKey, createPublicKey, generateKeyPair, type JsonWebKey, type KeyObject } from 'node:crypto'
import { promisify } from 'node:util'
import { publicationEnd, type AsymmetricAlg } from '../../domain/signing-key-lifecycle.js'
import { HeimdallError } from '../../errors.js'
import type { SigningKeyRow } from '../db/tables.js'
import type { SecretBox } from '../data-keys/secret-box.js'
import type { SigningKeysRepository } from '../repositories/signing-keys.js'

const generateKeyPairAsync = promisify(generateKeyPair)

/**
 * Private keys at rest: the PKCS#8 DER sealed by the data keys' secret box (infra/data-keys/secret-box.ts),
 * the kid and alg bound in as associated data so that rows cannot be swapped.
 */
export interface PublicJwk {
  kty: string
  kid: string
  alg: AsymmetricAlg
  use: 'sig'
  [member: string]: string
}

export type SigningKeyStore = ReturnType<typeof createSigningKeyStore>

/** The signing keys in the database: creating, retiring and decrypting them. The data key is read only when needed. */
export function createSigningKeyStore(options: { repository: SigningKeysRepository; box: SecretBox; accessTokenTtlSeconds: number }) {
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
      private_key_encrypted: await sealPrivateKey(options.box, privateKey, privateKeyAssociatedData(kid, alg)),
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
      return openPrivateKey(options.box, row.private_key_encrypted, privateKeyAssociatedData(row.kid, row.alg))
    },

    /**
     * Replaces the stored private key of `row` by `sealed` (the same key sealed again), only if the
     * row still holds what `row` says. Answers whether it was replaced.
     */
    replaceSealedPrivateKey(row: SigningKeyRow, sealed: string): Promise<boolean> {
      if (row.private_key_encrypted === null) return Promise.resolve(false)
      return repository.updateSigningKeyPrivateKey(row.kid, row.private_key_encrypted, sealed)
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

/** What binds a sealed private key to its row: its kid and alg. */
export function privateKeyAssociatedData(kid: string, alg: string): string {
  return `${kid}.${alg}`
}

async function sealPrivateKey(box: SecretBox, privateKey: KeyObject, associatedData: string): Promise<string> {
  const plaintext = privateKey.export({ format: 'der', type: 'pkcs8' })
  try {
    return await box.seal(plaintext, associatedData)
  } finally {
    plaintext.fill(0)
  }
}

async function openPrivateKey(box: SecretBox, sealed: string, associatedData: string): Promise<KeyObject> {
  const plaintext = await box.openBytes(sealed, associatedData)
  try {
    return createPrivateKey({ key: plaintext, format: 'der', type: 'pkcs8' })
  } finally {
    plaintext.fill(0)
  }
}
