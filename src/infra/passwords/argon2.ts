let library: Promise<typeof import('argon2')> | undefined
/**
 * The argon2 addon, loaded on the first argon2 hash made or checked: a process hashing with bcrypt (the
 * default) never loads a native module it does not use, and does not pay its start-up.
 */
const argon2 = () => (library ??= import('argon2').then((module) => (module as unknown as { default: typeof import('argon2') }).default ?? module))
import { decodeBase64, phcNumbers } from './encoding.js'
import type { HashKind } from './hash-kind.js'

/** argon2id's cost: memory in KiB, passes over it, lanes (RFC 9106 m, t, p). */
export interface Argon2Cost {
  memoryKib: number
  iterations: number
  parallelism: number
}

/** What one sign-in may spend on a stored hash: more memory or passes than this is refused, not run. */
const MAX_MEMORY_KIB = 4 * 1024 * 1024
const MAX_ITERATIONS = 100
const MAX_PARALLELISM = 64

/** The PHC string argon2's reference implementation writes: `$argon2id$v=19$m=19456,t=2,p=1$salt$hash`. */
const ARGON2 = /^\$(argon2(?:id|i|d))\$v=(\d+)\$([^$]+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/

interface Argon2Parts extends Argon2Cost {
  type: string
  version: number
}

/** The type, version and cost of a stored argon2 hash, or undefined when it is not one. */
export function argon2PartsOf(hash: string): Argon2Parts | undefined {
  const match = ARGON2.exec(hash)
  if (!match) return undefined
  const params = phcNumbers(match[3]!, ['m', 't', 'p'])
  if (!params || params.m === undefined || params.t === undefined || params.p === undefined) return undefined
  return { type: match[1]!, version: Number(match[2]), memoryKib: params.m, iterations: params.t, parallelism: params.p }
}

export const ARGON2_KIND: HashKind = {
  name: 'argon2',
  recognizes: (hash) => /^\$argon2(id|i|d)\$/.test(hash),
  problem(hash) {
    const parts = argon2PartsOf(hash)
    if (!parts) return 'an argon2 hash is a PHC string: $argon2id$v=19$m=...,t=...,p=...$salt$hash'
    if (parts.version !== 19 && parts.version !== 16) return `argon2 version ${parts.version} is neither 16 nor 19`
    if (!withinLimits(parts)) return `argon2 cost out of range (m at most ${MAX_MEMORY_KIB} KiB, t at most ${MAX_ITERATIONS}, p at most ${MAX_PARALLELISM})`
    const salt = decodeBase64(hash.split('$')[4] ?? '')
    return salt && salt.length >= 8 ? undefined : 'argon2 salt must be at least 8 bytes'
  },
  async verify(password, hash) {
    // A stored hash asking for gigabytes or a million passes would be a denial of service, not a password.
    const parts = argon2PartsOf(hash)
    if (!parts || !withinLimits(parts)) return false
    return (await argon2()).verify(hash, password)
  },
}

function withinLimits(parts: Argon2Cost): boolean {
  return parts.memoryKib <= MAX_MEMORY_KIB && parts.iterations <= MAX_ITERATIONS && parts.parallelism >= 1 && parts.parallelism <= MAX_PARALLELISM
}

/** A new argon2id hash (PHC string, 16-byte random salt, 32-byte output) on libuv's thread pool. */
export async function argon2idHash(password: string, cost: Argon2Cost): Promise<string> {
  const library = await argon2()
  return library.hash(password, { type: library.argon2id, memoryCost: cost.memoryKib, timeCost: cost.iterations, parallelism: cost.parallelism })
}
