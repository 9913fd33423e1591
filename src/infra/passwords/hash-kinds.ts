import { ARGON2_KIND } from './argon2.js'
import { BCRYPT_KIND } from './bcrypt.js'
import { FIREBASE_SCRYPT_KIND } from './firebase-scrypt.js'
import type { HashKind } from './hash-kind.js'
import { PBKDF2_KIND } from './pbkdf2.js'
import { SCRYPT_KIND } from './scrypt.js'

/**
 * Every kind of stored hash Heimdall checks, each recognised by its prefix: `$2a$/$2b$/$2y$` bcrypt,
 * `$argon2id$/$argon2i$/$argon2d$` argon2, `$scrypt$`, `pbkdf2_sha256$` / `$pbkdf2-sha256$` (and
 * sha512), `$firebase-scrypt$`. A hash is checked by its own kind, whatever the configured algorithm.
 */
export const HASH_KINDS: readonly HashKind[] = [BCRYPT_KIND, ARGON2_KIND, SCRYPT_KIND, PBKDF2_KIND, FIREBASE_SCRYPT_KIND]

/** The kind of a stored hash, or undefined for an unknown prefix (and for an account without a password). */
export function hashKindOf(hash: string): HashKind | undefined {
  return HASH_KINDS.find((kind) => kind.recognizes(hash))
}

/** Why `user:import` cannot take a hash (unknown prefix, malformed), or undefined when it can be checked. */
export function hashProblem(hash: string): string | undefined {
  const kind = hashKindOf(hash)
  if (!kind) return `unknown hash format "${hash.slice(0, 12)}${hash.length > 12 ? '...' : ''}"; see docs/migrating.md for the kinds accepted`
  return kind.problem(hash)
}
