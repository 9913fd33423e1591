import { createHash } from 'node:crypto'

/** SHA-256 (hex) of a flow id or pending-link token: the database never holds the value itself. */
export function secretHash(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}
