import { createHmac, createPublicKey, verify } from 'node:crypto'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Jwk = Record<string, any>

export function headerOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'))
}

/**
 * Verifies a token the way a service would, with node:crypto and the published key set only: the key
 * by kid, the algorithm from the key. Answers the claims, or undefined when the token does not verify.
 */
export function verifyWithJwks(token: string, jwks: { keys: Jwk[] }): Record<string, unknown> | undefined {
  const [header, payload, signature] = token.split('.')
  const { kid, alg } = headerOf(token)
  const jwk = jwks.keys.find((key) => key.kid === kid)
  if (!jwk || jwk.alg !== alg) return undefined
  const publicKey = createPublicKey({ key: jwk, format: 'jwk' })
  const valid = verify(jwk.alg === 'RS256' ? 'sha256' : null, Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'))
  return valid ? JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) : undefined
}

/** A compact JWS with any header and an HMAC-SHA256 signature under `secret`: for forgeries. */
export function hmacToken(header: Record<string, unknown>, claims: Record<string, unknown>, secret: string | Buffer): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`
}
