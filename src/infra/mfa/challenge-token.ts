import { createHash, randomBytes } from 'node:crypto'

/**
 * Opaque single-use secrets of the MFA flows: 256 bits from the CSPRNG behind a prefix naming the
 * kind (secret scanners spot them; a JWT never starts so): "hmt_" for a login's mfa_token, "het_" for
 * an enrolment-only token.
 */
export const MFA_TOKEN_PREFIX = 'hmt_'
export const ENROLLMENT_TOKEN_PREFIX = 'het_'

export function generateChallengeToken(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url')
}

/** Only this hash is stored (of a token, or of a WebAuthn challenge). */
export function challengeHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex')
}
