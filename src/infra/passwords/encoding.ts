import { timingSafeEqual } from 'node:crypto'

/**
 * Decodes base64 in any of the spellings password hashes use: standard, URL-safe, without padding,
 * and passlib's "adapted base64" (`.` for `+`). Answers undefined for anything else.
 */
export function decodeBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/.\-_]*={0,2}$/.test(text)) return undefined
  return Buffer.from(text.replace(/\./g, '+').replace(/-/g, '+').replace(/_/g, '/'), 'base64')
}

/** Base64 without padding: the PHC string format's spelling. */
export function phcBase64(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '')
}

/**
 * Whether two byte strings are equal, in time that does not depend on where they differ. Two empty
 * ones are not: a hash of no bytes proves nothing, and an empty expected hash must match no password.
 */
export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length > 0 && a.length === b.length && timingSafeEqual(a, b)
}

/**
 * The `k=v,k=v` parameter segment of a PHC string as numbers (`ln=14,r=8,p=1`); undefined when a
 * value is no whole number or a name is not among `names`.
 */
export function phcNumbers(segment: string, names: readonly string[]): Record<string, number> | undefined {
  const params: Record<string, number> = {}
  for (const pair of segment.split(',')) {
    const [name, value] = pair.split('=')
    if (name === undefined || value === undefined || !names.includes(name) || !/^\d{1,10}$/.test(value)) return undefined
    params[name] = Number(value)
  }
  return params
}
