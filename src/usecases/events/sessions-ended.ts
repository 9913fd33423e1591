import { event, type SessionRevokeReason } from '../../domain/events.js'
import type { AuditEvent } from '../../infra/repositories/audit.js'

/**
 * The session.revoked entry of a change that ended several of a user's sessions on its way (a
 * disable, a password reset): its own event beside the change's, so that a subscriber to
 * session.revoked hears of every session that ended, whatever the cause.
 */
export function sessionsEnded(userId: string, reason: SessionRevokeReason, count: number, sessionId: string | null = null): AuditEvent {
  return {
    type: 'session.revoked',
    userId,
    sessionId,
    detail: { reason, count },
    emits: event('session.revoked', { user_id: userId, session_id: sessionId, reason, count }),
  }
}
