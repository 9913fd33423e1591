/**
 * The event catalogue (issue 24, docs/events.md): every state change Heimdall makes is recorded as
 * exactly one of these, in the same transaction as the change, and delivered to the webhook endpoints
 * whose patterns match its type. Payloads are facts for other systems: ids, addresses, reasons; never
 * a password, token, hash or secret. A field is snake_case, as on the HTTP API.
 */

/** Why a session ended (`session.revoked`). */
export const SESSION_REVOKE_REASONS = ['logout', 'logout-all', 'admin', 'reset', 'refresh-reuse', 'disable'] as const
export type SessionRevokeReason = (typeof SESSION_REVOKE_REASONS)[number]

export interface EventPayloads {
  /** A user came to exist: registered, made by an operator, or first signed in through a provider. */
  'user.created': { user_id: string; email: string; roles: string[]; by: 'self' | 'operator' | 'federation' }
  /** The address changed or was verified, or the user chose a language for pages and mails. */
  'user.updated': { user_id: string; changes: Array<'email' | 'email_verified' | 'language'>; email: string }
  'user.disabled': { user_id: string; revoked_sessions: number }
  'user.enabled': { user_id: string }
  'user.deleted': { user_id: string; revoked_sessions: number }
  /** By its owner (knowing the old one) or set by an operator. */
  'password.changed': { user_id: string; by: 'self' | 'operator'; revoked_sessions: number }
  /** Through a reset link. */
  'password.reset': { user_id: string; revoked_sessions: number }
  'mfa.enrolled': { user_id: string; method: 'totp' }
  /** `system`: ended by the first proof of the mailbox (a squatter's factors, docs/security.md). */
  'mfa.removed': { user_id: string; method: 'totp' | 'all'; by: 'self' | 'operator' | 'system' }
  'passkey.added': { user_id: string; passkey_id: string }
  'passkey.removed': { user_id: string; passkey_id: string }
  /** A sign-in made a session (password, passkey, second factor, upstream provider). */
  'session.created': { user_id: string; session_id: string; amr: string[] }
  /** One session (session_id) or several (count) ended. */
  'session.revoked': { user_id: string | null; session_id: string | null; reason: SessionRevokeReason; count: number }
  'role.granted': { user_id: string; role: string }
  'role.revoked': { user_id: string; role: string }
  'client.created': { client_id: string; name: string; grant_types: string[]; public: boolean }
  'client.deleted': { client_id: string }
  'consent.granted': { user_id: string; client_id: string; scope: string }
  'consent.revoked': { user_id: string; client_id: string; grants: number }
  'identity.linked': { user_id: string; provider: string }
  'identity.unlinked': { user_id: string; provider: string }
  /** An endpoint failed for longer than HEIMDALL_WEBHOOK_RETRY_FOR, or an operator disabled it. */
  'webhook.disabled': { endpoint: string; reason: string }
  /** webhook:create, delete, rotate-secret, replay, test: what operators did to the estate's wiring. */
  'webhook.changed': { endpoint: string; change: 'created' | 'deleted' | 'secret_rotated' | 'replayed' | 'tested'; count?: number }
}

export type EventType = keyof EventPayloads

/** The union of every event: `type` decides `data`'s shape. */
export type HeimdallEvent = { [T in EventType]: { type: T; data: EventPayloads[T] } }[EventType]

/** Every type, for `--event` validation and the docs. */
export const EVENT_TYPES: readonly EventType[] = Object.freeze([
  'user.created', 'user.updated', 'user.disabled', 'user.enabled', 'user.deleted',
  'password.changed', 'password.reset', 'mfa.enrolled', 'mfa.removed', 'passkey.added', 'passkey.removed',
  'session.created', 'session.revoked', 'role.granted', 'role.revoked', 'client.created', 'client.deleted',
  'consent.granted', 'consent.revoked', 'identity.linked', 'identity.unlinked', 'webhook.disabled', 'webhook.changed',
] satisfies EventType[])

/** Builds one event with its payload checked against its type. */
export function event<T extends EventType>(type: T, data: EventPayloads[T]): HeimdallEvent {
  return { type, data } as HeimdallEvent
}

/**
 * An endpoint's subscription pattern: an exact type (`session.revoked`), a family (`user.*`), or
 * everything (`*`). Answers an error message for one that can match nothing, else undefined.
 */
export function checkEventPattern(pattern: string): string | undefined {
  if (pattern === '*') return undefined
  if (pattern.endsWith('.*')) {
    const family = pattern.slice(0, -1)
    return EVENT_TYPES.some((type) => type.startsWith(family)) ? undefined : `"${pattern}" matches no event (families: ${[...new Set(EVENT_TYPES.map((type) => type.split('.')[0]))].join(', ')})`
  }
  return (EVENT_TYPES as readonly string[]).includes(pattern) ? undefined : `"${pattern}" is no event type (see docs/events.md)`
}

/** Whether `type` matches any of `patterns` (see checkEventPattern). */
export function matchesEventPatterns(type: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => pattern === '*' || pattern === type || (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1))))
}
