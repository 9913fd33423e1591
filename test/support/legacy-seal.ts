import { createCipheriv, createSecretKey, hkdfSync, randomBytes, scryptSync, type KeyObject } from 'node:crypto'

/**
 * Secrets as releases before data keys stored them, sealed under the JWT secret: what an upgraded
 * installation finds in its database. Written here from those releases' format, independently of
 * src/, so that a change there cannot make the test agree with itself.
 */
export function legacySealTotpSecret(jwtSecret: string, secret: string, userId: string): string {
  const key = createSecretKey(Buffer.from(hkdfSync('sha256', jwtSecret, '', 'heimdall mfa secret box', 32)))
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(`totp.${userId}`))
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()])
  return ['v1', ...[iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'))].join('.')
}

/** A private signing key as "v1.salt.iv.tag.ciphertext": AES-256-GCM under scrypt(secret, salt), kid and alg bound in. */
export function legacySealPrivateKey(jwtSecret: string, privateKey: KeyObject, kid: string, alg: string): string {
  const salt = randomBytes(16)
  const iv = randomBytes(12)
  const key = scryptSync(jwtSecret, salt, 32, { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 })
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(`${kid}.${alg}`))
  const ciphertext = Buffer.concat([cipher.update(privateKey.export({ format: 'der', type: 'pkcs8' })), cipher.final()])
  return ['v1', ...[salt, iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'))].join('.')
}
