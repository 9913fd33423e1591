import type { SessionReadModel } from './cache.js'
import type { SessionsRepository } from './repositories/sessions.js'
import type { UsersRepository } from './repositories/users.js'

/** How far back each poll looks, so a write committed just after the previous poll is not missed. */
const OVERLAP_MS = 2000

/**
 * Sees revocations made by other processes (the CLI, other instances): every interval it reads the
 * sessions revoked and the users changed since the last poll, through indexed columns, and evicts
 * them from this process's cache. The revocation itself is the event, so nothing extra is written.
 */
export function startRevocationPoller(options: {
  sessions: SessionsRepository
  users: UsersRepository
  sessionStates: SessionReadModel
  intervalMs: number
  onError?: (error: unknown) => void
}): { stop(): void } {
  const seen = new Map<string, number>()
  let since = Date.now() - OVERLAP_MS
  let polling = false

  async function poll(): Promise<void> {
    if (polling) return
    polling = true
    const startedAt = Date.now()
    try {
      const [sessions, users] = await Promise.all([
        options.sessions.findSessionIdsRevokedSince(since),
        options.users.findUserIdsUpdatedSince(since),
      ])
      for (const session of sessions) {
        if (firstSight(`s:${session.id}:${session.revoked_at}`, startedAt)) options.sessionStates.evictSession(session.id)
      }
      for (const user of users) {
        if (firstSight(`u:${user.id}:${user.updated_at}`, startedAt)) options.sessionStates.evictUser(user.id)
      }
      since = startedAt - OVERLAP_MS
      for (const [key, at] of seen) if (at < since - OVERLAP_MS) seen.delete(key)
    } catch (error) {
      options.onError?.(error)
    } finally {
      polling = false
    }
  }

  function firstSight(key: string, now: number): boolean {
    if (seen.has(key)) return false
    seen.set(key, now)
    return true
  }

  const timer = setInterval(() => void poll(), options.intervalMs)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}
