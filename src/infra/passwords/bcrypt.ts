import bcrypt from 'bcrypt'
import type { HashKind } from './hash-kind.js'

/** Modular crypt form: `$2b$12$` + 22 characters of salt + 31 of hash (bcrypt's own base64). */
const BCRYPT = /^\$2[aby]\$(\d\d)\$[./A-Za-z0-9]{53}$/

/** bcrypt's cost in a stored hash, or undefined when it is no bcrypt hash. */
export function bcryptCostOf(hash: string): number | undefined {
  const match = BCRYPT.exec(hash)
  return match ? Number(match[1]) : undefined
}

export const BCRYPT_KIND: HashKind = {
  name: 'bcrypt',
  maxPasswordBytes: 72,
  recognizes: (hash) => /^\$2[aby]\$/.test(hash),
  problem(hash) {
    const cost = bcryptCostOf(hash)
    if (cost === undefined) return 'a bcrypt hash is $2a$, $2b$ or $2y$, a two-digit cost, then 53 characters'
    return cost < 4 || cost > 31 ? `bcrypt cost ${cost} is outside 4..31` : undefined
  },
  async verify(password, hash) {
    // PHP's $2y$ is the same algorithm as $2b$, a prefix node's bcrypt does not read.
    return BCRYPT.test(hash) && bcrypt.compare(password, hash.replace(/^\$2y\$/, '$2b$'))
  },
}

/** A new bcrypt hash at `cost` (libuv's thread pool, never the event loop's thread). */
export function bcryptHash(password: string, cost: number): Promise<string> {
  return bcrypt.hash(password, cost)
}
