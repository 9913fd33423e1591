/**
 * What the verifier knows has been revoked: single sessions (by `sid`) and every session of a user up
 * to an instant (logout-all, a disabled account, a reset). An entry is kept only as long as a token it
 * could refuse might still be valid (`retainSeconds`, the longest access-token lifetime), so the set
 * stays as small as the revocations of one token lifetime.
 */
export interface RevocationSet {
  /** The session `sid` was revoked at `atSeconds` (epoch seconds). */
  revokeSession(sid: string, atSeconds: number): void
  /** Every session of user `sub` issued at or before `atSeconds` was revoked. */
  revokeUser(sub: string, atSeconds: number): void
  /** True when a token of this session, user and issue time (epoch seconds) must be refused. */
  isRevoked(token: { sid: string; sub: string; iat: number }): boolean
  /** Entries held now (sessions + users), after dropping those past their retention. */
  size(nowSeconds?: number): number
}

/** A revocation set in memory; `retainSeconds` must be at least the longest access-token lifetime. */
export function createRevocationSet(options: { retainSeconds: number; now?: () => number }): RevocationSet {
  const nowSeconds = options.now ?? (() => Math.floor(Date.now() / 1000))
  const sessions = new Map<string, number>()
  const users = new Map<string, number>()
  let nextPrune = 0

  function prune(now: number): void {
    if (now < nextPrune) return
    nextPrune = now + 60
    const oldest = now - options.retainSeconds
    for (const [key, at] of sessions) if (at < oldest) sessions.delete(key)
    for (const [key, at] of users) if (at < oldest) users.delete(key)
  }

  return {
    revokeSession(sid, atSeconds) {
      sessions.set(sid, Math.max(atSeconds, sessions.get(sid) ?? 0))
      prune(nowSeconds())
    },
    revokeUser(sub, atSeconds) {
      users.set(sub, Math.max(atSeconds, users.get(sub) ?? 0))
      prune(nowSeconds())
    },
    isRevoked({ sid, sub, iat }) {
      if (sessions.has(sid)) return true
      const until = users.get(sub)
      return until !== undefined && iat <= until
    },
    size(now = nowSeconds()) {
      nextPrune = 0
      prune(now)
      return sessions.size + users.size
    },
  }
}
