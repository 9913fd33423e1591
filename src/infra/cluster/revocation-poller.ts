import type { SessionReadModel } from '../session-read-model.js'
import { USER_DELETED_EVENT, type AuditRepository } from '../repositories/audit.js'
import type { SessionsRepository } from '../repositories/sessions.js'
import type { UsersRepository } from '../repositories/users.js'

/** How far back each poll looks, so a write committed just after the previous poll is not missed. */
const OVERLAP_MS = 2000

/**
 * Sees revocations made by other processes (the CLI, other instances): every interval it reads the
 * sessions revoked and the users changed since the last poll, through indexed columns, and evicts
 * them from this process's cache. The revocation itself is the event, so nothing extra is written;
 * only a deleted user, whose rows are gone, is seen through its audit event.
 */
export function startRevocationPoller(options: {
  sessions: SessionsRepository
  users: UsersRepository
  audit: AuditRepository
  sessionStates: SessionReadModel
  intervalMs: number
  onError?: (error: unknown) => void
  /** After every poll that read the database without an error. */
  onSuccess?: () => void
}): { stop(): void } {
  const seen = new Map<string, number>()
  let since = Date.now() - OVERLAP_MS
  let polling = false

  async function poll(): Promise<void> {
    if (polling) return
    polling = true
    const startedAt = Date.now()
    try {
      const [sessions, users, deleted] = await Promise.all([
        options.sessions.findSessionIdsRevokedSince(since),
        options.users.findUserIdsUpdatedSince(since),
        options.audit.findUserIdsByEventTypeSince(USER_DELETED_EVENT, since),
      ])
      for (const session of sessions) {
        if (firstSight(`s:${session.id}:${session.revoked_at}`, startedAt)) options.sessionStates.evictSession(session.id)
      }
      for (const user of users) {
        if (firstSight(`u:${user.id}:${user.updated_at}`, startedAt)) options.sessionStates.evictUser(user.id)
      }
      for (const user of deleted) {
        if (firstSight(`d:${user.user_id}`, startedAt)) options.sessionStates.evictUser(user.user_id)
      }
      since = startedAt - OVERLAP_MS
      for (const [key, at] of seen) if (at < since - OVERLAP_MS) seen.delete(key)
      options.onSuccess?.()
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
