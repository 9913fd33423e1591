import NodeCache from 'node-cache'
import { mergePermissions } from '../domain/permissions.js'
import { rolesWithheldFrom } from '../domain/second-factor-rule.js'
import type { SessionState } from '../domain/session-state.js'
import type { RolesRepository } from './repositories/roles.js'
import type { SessionsRepository } from './repositories/sessions.js'

export type SessionReadModel = ReturnType<typeof createSessionReadModel>

const MAX_SHARED_PERMISSION_LISTS = 10_000

/** Where session states are read: the replica when one is configured, and always the primary. */
export interface SessionSources {
  replica: { sessions: SessionsRepository; roles: RolesRepository } | undefined
  primary: { sessions: SessionsRepository; roles: RolesRepository }
  /** How long after a change a session (or user) is read from the primary, past the replica's lag. */
  replicaMaxLagMs: number
}

/**
 * The query side's read model: session states by id, cached so that validating a token of a cached
 * session never reads the database. Writers that change a session or its user call evict*().
 * A missing session is remembered as null: a signed token cannot start pointing at a new row.
 * With a replica, a miss reads the replica, except what the replica may not have yet: a session it
 * does not know (a login a moment ago) and sessions or users evicted within the replica's lag.
 * A session's permissions leave out the roles of `mfaRequiredRoles` when its sign-in was one factor.
 */
export function createSessionReadModel(options: { sources: SessionSources; ttlSeconds: number; mfaRequiredRoles: readonly string[] }) {
  const { replica, primary, replicaMaxLagMs } = options.sources
  const cache = new NodeCache({ stdTTL: options.ttlSeconds, checkperiod: Math.max(1, Math.ceil(options.ttlSeconds / 2)), useClones: false })
  const sessionIdsByUser = new Map<string, Set<string>>()
  // Session and user ids changed lately, with when the replica is sure to have caught up.
  const changedUntil = new Map<string, number>()
  // Sessions of users with the same roles share one frozen permission list: an estate has a few
  // distinct lists and many sessions. Bounded, in case roles are minted per user.
  const permissionLists = new Map<string, string[]>()
  function sharedList(permissions: string[]): string[] {
    const key = JSON.stringify(permissions)
    const known = permissionLists.get(key)
    if (known) return known
    Object.freeze(permissions)
    if (permissionLists.size < MAX_SHARED_PERMISSION_LISTS) permissionLists.set(key, permissions)
    return permissions
  }
  let hits = 0
  let misses = 0
  // Bumped by every eviction: a read that started before one must not cache what it read.
  let evictions = 0

  cache.on('del', (sessionId: string, state: SessionState | null) => {
    if (state) sessionIdsByUser.get(state.userId)?.delete(sessionId)
  })

  function markChanged(id: string): void {
    if (!replica) return
    const now = Date.now()
    if (changedUntil.size > 100_000) for (const [key, until] of changedUntil) if (until <= now) changedUntil.delete(key)
    changedUntil.set(id, now + replicaMaxLagMs)
  }

  function changedLately(id: string): boolean {
    const until = changedUntil.get(id)
    return until !== undefined && until > Date.now()
  }

  async function load(sessionId: string): Promise<SessionState | null> {
    if (!replica || changedLately(sessionId)) return loadFrom(primary, sessionId)
    const state = await loadFrom(replica, sessionId)
    if (state === null || changedLately(state.userId)) return loadFrom(primary, sessionId)
    return state
  }

  async function loadFrom(source: SessionSources['primary'], sessionId: string): Promise<SessionState | null> {
    const row = await source.sessions.findSessionWithUserById(sessionId)
    if (!row) return null
    return {
      sessionId: row.id,
      userId: row.user_id,
      email: row.email,
      emailVerified: row.email_verified_at !== null,
      // Decided when the entry is filled, so a cached validation does no more work than before.
      permissions: sharedList(mergePermissions(await source.roles.findPermissionNamesByUserId(row.user_id, rolesWithheldFrom(row.amr, options.mfaRequiredRoles)))),
      userDisabled: Boolean(row.user_disabled),
      expiresAt: Number(row.expires_at),
      revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    }
  }

  /** A miss: reads the session and caches it, unless an eviction came while it was being read. */
  async function read(sessionId: string): Promise<SessionState | null> {
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
  }

  return {
    /** Synchronous for a cached session (the hot path), a promise when it must be read. */
    get(sessionId: string): SessionState | null | Promise<SessionState | null> {
      const cached = cache.get<SessionState | null>(sessionId)
      if (cached !== undefined) {
        hits++
        return cached
      }
      misses++
      return read(sessionId)
    },

    /** Reads the primary, bypassing and not filling the cache: for inspection. */
    readFresh(sessionId: string): Promise<SessionState | null> {
      return loadFrom(primary, sessionId)
    },

    evictSession(sessionId: string): void {
      evictions++
      markChanged(sessionId)
      cache.del(sessionId)
    },

    evictUser(userId: string): void {
      evictions++
      markChanged(userId)
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
