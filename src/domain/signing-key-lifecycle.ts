/** The token algorithms Heimdall signs with; HS256 (the shared secret) is the default. */
export const JWT_ALGS = ['HS256', 'RS256', 'EdDSA'] as const
export type JwtAlg = (typeof JWT_ALGS)[number]

/** The algorithms whose keys live in the database and are published as a JWKS. */
export type AsymmetricAlg = Exclude<JwtAlg, 'HS256'>

/** Also for an alg read back from the database, which may name one this version does not know. */
export function isAsymmetric(alg: string): alg is AsymmetricAlg {
  return alg === 'RS256' || alg === 'EdDSA'
}

/**
 * How long past the last token a retired key may have signed it stays published. It covers the clock
 * drift between Heimdall and the services that verify, and the moments during which a server that has
 * not reloaded its keys yet still signs with the retired key (it reloads every few seconds).
 */
export const PUBLICATION_SKEW_SECONDS = 60

/**
 * When a key retired at `retiredAt` may leave the JWKS: once every token it signed has expired, i.e.
 * after an access token lifetime, or after the longest-lived token it signed (token:issue --ttl), plus
 * the skew. Times in epoch milliseconds.
 */
export function publicationEnd(retiredAt: number, accessTokenTtlSeconds: number, signedUntil: number | null): number {
  return Math.max(retiredAt + accessTokenTtlSeconds * 1000, signedUntil ?? 0) + PUBLICATION_SKEW_SECONDS * 1000
}

export type SigningKeyState = 'active' | 'retired' | 'expired'

/** active: signs new tokens; retired: only verifies (still published); expired: no longer published. */
export function signingKeyState(key: { retiredAt: number | null; publishedUntil: number | null }, now: number): SigningKeyState {
  if (key.retiredAt === null) return 'active'
  return key.publishedUntil !== null && key.publishedUntil > now ? 'retired' : 'expired'
}

export function isPublished(key: { retiredAt: number | null; publishedUntil: number | null }, now: number): boolean {
  return signingKeyState(key, now) !== 'expired'
}
