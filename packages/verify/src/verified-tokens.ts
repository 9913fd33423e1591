import type { Validation } from './answer.js'

/** A token whose signature and claims were verified, as the verifier keeps it. */
export interface VerifiedToken {
  /** The whole token: a hit needs the same bytes, not only the same signature. */
  token: string
  /** The `kid` of the key that verified it: the entry is worthless once the JWKS no longer has it. */
  kid: string
  /** The valid answer, as computed on the full verification (copied out on every hit). */
  answer: Validation
  /** Claims re-checked on every hit, epoch seconds. */
  exp: number
  nbf: number | undefined
  /** Past this (epoch milliseconds) the entry is dropped and the token verified again. */
  until: number
}

/**
 * Tokens verified already, so that a token seen again skips the signature check (jose's jwtVerify,
 * about half of a local verification's CPU). The cache answers only "these bytes were signed by key
 * `kid` and carry these claims": whatever can change since (the time, the revocation set, the stream's
 * state, the keys published) the verifier checks again on every hit. Entries are found by the token's
 * signature, its last segment (a shorter key to hash than the whole token), and must match the whole
 * token. Bounded: past `maxEntries` the oldest entry goes first; an entry lives at most until its
 * token expires and `maxAgeMs` after it was verified.
 */
export interface VerifiedTokens {
  /** The entry for exactly this token, if any and not past its `until` at `nowMs` (epoch milliseconds). */
  get(token: string, nowMs: number): VerifiedToken | undefined
  /** Keeps an entry (nothing when the cache is disabled, `maxEntries` 0). */
  set(entry: VerifiedToken): void
  /** Drops every entry signed by a key not in `kids` (the keys the JWKS publishes now). */
  keepOnly(kids: ReadonlySet<string>): void
  readonly size: number
}

/** A cache of verified tokens in memory; see {@link VerifiedTokens}. */
export function createVerifiedTokens(maxEntries: number): VerifiedTokens {
  const entries = new Map<string, VerifiedToken>()
  const signatureOf = (token: string) => token.slice(token.lastIndexOf('.') + 1)
  return {
    get(token, nowMs) {
      if (maxEntries === 0) return undefined
      const signature = signatureOf(token)
      const entry = entries.get(signature)
      if (entry === undefined || entry.token !== token) return undefined
      if (entry.until <= nowMs) {
        entries.delete(signature)
        return undefined
      }
      return entry
    },
    set(entry) {
      if (maxEntries === 0) return
      const signature = signatureOf(entry.token)
      // Re-inserted at the end: the Map's order is the order of verification, oldest first.
      entries.delete(signature)
      while (entries.size >= maxEntries) entries.delete(entries.keys().next().value!)
      entries.set(signature, entry)
    },
    keepOnly(kids) {
      for (const [signature, entry] of entries) if (!kids.has(entry.kid)) entries.delete(signature)
    },
    get size() {
      return entries.size
    },
  }
}
