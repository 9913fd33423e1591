/**
 * Tokens already verified, so that a token seen before skips the signature check (a third of a
 * validation's CPU time). Only an identical string hits; expiry is re-checked on every hit. Entries
 * are found by the token's signature, its last segment: hashing the whole 400-character token for
 * each lookup cost more than everything else here. Bounded: past `maxEntries` the oldest entries go first.
 */
export function createVerifiedTokenCache<T extends { exp: number }>(maxEntries: number) {
  const verified = new Map<string, { token: string; claims: T }>()
  const signatureOf = (token: string) => token.slice(token.lastIndexOf('.') + 1)
  return {
    get(token: string, nowSeconds: number): T | undefined {
      const signature = signatureOf(token)
      const entry = verified.get(signature)
      if (entry === undefined || entry.token !== token) return undefined
      if (entry.claims.exp <= nowSeconds) {
        verified.delete(signature)
        return undefined
      }
      return entry.claims
    },
    set(token: string, claims: T): void {
      if (verified.size >= maxEntries) verified.delete(verified.keys().next().value!)
      verified.set(signatureOf(token), { token, claims })
    },
    get size(): number {
      return verified.size
    },
    clear(): void {
      verified.clear()
    },
  }
}
