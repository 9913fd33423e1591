import NodeCache from 'node-cache'
import { mergePermissions } from '../domain/permissions.js'
import type { RolesRepository } from './repositories/roles.js'
import type { SessionsRepository } from './repositories/sessions.js'

/** What validation needs to know about a session, as of when it was read. */
export interface SessionState {
  sessionId: string
  userId: string
  email: string
  permissions: string[]
  userDisabled: boolean
  expiresAt: number
  revokedAt: number | null
}

export type SessionReadModel = ReturnType<typeof createSessionReadModel>

/**
 * The query side's read model: session states by id, cached so that validating a token of a cached
 * session never reads the database. Writers that change a session or its user call evict*().
 * A missing session is remembered as null: a signed token cannot start pointing at a new row.
 */
export function createSessionReadModel(options: { sessions: SessionsRepository; roles: RolesRepository; ttlSeconds: number }) {
  const cache = new NodeCache({ stdTTL: options.ttlSeconds, checkperiod: Math.max(1, Math.ceil(options.ttlSeconds / 2)), useClones: false })
  const sessionIdsByUser = new Map<string, Set<string>>()
  let hits = 0
  let misses = 0
  // Bumped by every eviction: a read that started before one must not cache what it read.
  let evictions = 0

  cache.on('del', (sessionId: string, state: SessionState | null) => {
    if (state) sessionIdsByUser.get(state.userId)?.delete(sessionId)
  })

  async function load(sessionId: string): Promise<SessionState | null> {
    const row = await options.sessions.findSessionWithUserById(sessionId)
    if (!row) return null
    return {
      sessionId: row.id,
      userId: row.user_id,
      email: row.email,
      permissions: mergePermissions(await options.roles.findPermissionNamesByUserId(row.user_id)),
      userDisabled: Boolean(row.user_disabled),
      expiresAt: Number(row.expires_at),
      revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    }
  }

  return {
    async get(sessionId: string): Promise<SessionState | null> {
      const cached = cache.get<SessionState | null>(sessionId)
      if (cached !== undefined) {
        hits++
        return cached
      }
      misses++
      const evictionsBefore = evictions
      const state = await load(sessionId)
      if (evictions !== evictionsBefore) return state
      cache.set(sessionId, state)
      if (state) {
        let ids = sessionIdsByUser.get(state.userId)
        if (!ids) sessionIdsByUser.set(state.userId, (ids = new Set()))
        ids.add(sessionId)
      }
      return state
    },

    /** Reads the database, bypassing and not filling the cache: for inspection. */
    readFresh(sessionId: string): Promise<SessionState | null> {
      return load(sessionId)
    },

    evictSession(sessionId: string): void {
      evictions++
      cache.del(sessionId)
    },

    evictUser(userId: string): void {
      evictions++
      const ids = sessionIdsByUser.get(userId)
      if (ids) cache.del([...ids])
      sessionIdsByUser.delete(userId)
    },

    stats(): { keys: number; hits: number; misses: number; hitRate: number } {
      const total = hits + misses
      return { keys: cache.keys().length, hits, misses, hitRate: total === 0 ? 0 : hits / total }
    },

    close(): void {
      cache.close()
    },
  }
}

/**
 * Tokens already verified, keyed by the whole token string, so that a token seen before skips the
 * HMAC (a third of a validation's CPU time). Only an identical string hits; expiry is re-checked on
 * every hit. Bounded: past `maxEntries` the oldest entries go first.
 */
export function createVerifiedTokenCache<T extends { exp: number }>(maxEntries: number) {
  const verified = new Map<string, T>()
  return {
    get(token: string, nowSeconds: number): T | undefined {
      const claims = verified.get(token)
      if (claims === undefined) return undefined
      if (claims.exp <= nowSeconds) {
        verified.delete(token)
        return undefined
      }
      return claims
    },
    set(token: string, claims: T): void {
      if (verified.size >= maxEntries) verified.delete(verified.keys().next().value!)
      verified.set(token, claims)
    },
    get size(): number {
      return verified.size
    },
    clear(): void {
      verified.clear()
    },
  }
}
