import { sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto'
import type { AsymmetricAlg } from '../../domain/signing-key-lifecycle.js'

/**
 * Compact JWS (RFC 7515) for RS256 and EdDSA on node:crypto. jsonwebtoken 9 has no EdDSA, and one
 * small path for both algorithms keeps the rules in one place: the algorithm comes from the key found
 * by kid, never from the token, and the header must name that same algorithm.
 */

const SEGMENT = /^[A-Za-z0-9_-]+$/

export interface ParsedJws {
  header: Record<string, unknown>
  payloadSegment: string
  signingInput: string
  signature: Buffer
}

export function signJws(header: { alg: AsymmetricAlg; kid: string; typ: 'JWT' | 'secevent+jwt' }, payload: Record<string, unknown>, privateKey: KeyObject): string {
  const signingInput = `${encodeSegment(header)}.${encodeSegment(payload)}`
  const signature = cryptoSign(digestOf(header.alg), Buffer.from(signingInput), privateKey)
  return `${signingInput}.${signature.toString('base64url')}`
}

/** Splits and decodes a compact JWS without trusting it; undefined when it is not one. */
export function parseJws(token: string): ParsedJws | undefined {
  const parts = token.split('.')
  if (parts.length !== 3 || !parts.every((part) => SEGMENT.test(part))) return undefined
  const header = decodeJson(parts[0])
  if (header === undefined) return undefined
  return { header, payloadSegment: parts[1], signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], 'base64url') }
}

/** Checks the signature with `publicKey` under `alg` (the key's algorithm, not the header's). */
export function verifyJwsSignature(jws: ParsedJws, alg: AsymmetricAlg, publicKey: KeyObject): boolean {
  try {
    return cryptoVerify(digestOf(alg), Buffer.from(jws.signingInput), publicKey, jws.signature)
  } catch {
    return false
  }
}

export function decodeJwsPayload(jws: ParsedJws): Record<string, unknown> | undefined {
  return decodeJson(jws.payloadSegment)
}

/** RS256 is RSASSA-PKCS1-v1_5 with SHA-256 (node's default padding for RSA keys); Ed25519 hashes internally. */
function digestOf(alg: AsymmetricAlg): string | null {
  return alg === 'RS256' ? 'sha256' : null
}

function encodeSegment(value: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

function decodeJson(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}
