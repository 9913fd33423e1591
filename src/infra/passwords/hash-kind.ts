/**
 * One kind of stored password hash that Heimdall can check: recognised by its own prefix, verified
 * by its own algorithm. Kinds that Heimdall also makes (bcrypt, argon2id) are in the hasher; the
 * others (scrypt, PBKDF2, Firebase's scrypt) only arrive through `user:import` and are replaced by
 * the configured algorithm on the user's next sign-in.
 */
export interface HashKind {
  /** Stable name, as `user:import` reports it (`bcrypt`, `argon2`, `scrypt`, `pbkdf2`, `firebase-scrypt`). */
  readonly name: string
  /** Whether the stored hash is of this kind (its prefix) — cheap, no hashing. */
  recognizes(hash: string): boolean
  /**
   * A reason the hash cannot be checked (bad encoding, parameters out of range), or undefined when it
   * is well formed: `user:import` refuses a malformed one rather than storing what never matches.
   */
  problem(hash: string): string | undefined
  /** Whether `password` (already in the form to compare) matches; false for a malformed hash, never throws for it. */
  verify(password: string, hash: string): Promise<boolean>
  /** bcrypt reads only 72 bytes: a longer password is never compared (no tail is ignored). */
  readonly maxPasswordBytes?: number
}
