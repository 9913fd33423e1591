/**
 * Shared Signals (OpenID Shared Signals Framework 1.0, CAEP 1.0; docs/ssf.md): which of Heimdall's
 * catalogue events (domain/events.ts) a receiver hears of, and as what. Pure: no I/O, no signing.
 */

export const POLL_DELIVERY = 'urn:ietf:rfc:8936'
export const PUSH_DELIVERY = 'urn:ietf:rfc:8935'
export const DELIVERY_METHODS = [PUSH_DELIVERY, POLL_DELIVERY] as const
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number]

const CAEP = 'https://schemas.openid.net/secevent/caep/event-type/'
export const SESSION_REVOKED = `${CAEP}session-revoked`
export const CREDENTIAL_CHANGE = `${CAEP}credential-change`
export const TOKEN_CLAIMS_CHANGE = `${CAEP}token-claims-change`
/** SSF 1.0 section 8.1.4: the event a receiver asks for to check that its stream works. */
export const VERIFICATION = 'https://schemas.openid.net/secevent/ssf/event-type/verification'
/** The CAEP event types Heimdall sends (SSF 1.0 section 8.1.1 events_supported). */
export const SUPPORTED_EVENTS: readonly string[] = Object.freeze([SESSION_REVOKED, CREDENTIAL_CHANGE, TOKEN_CLAIMS_CHANGE])

/** The catalogue event types behind each CAEP type: what a stream reads from the event table. */
export const SOURCE_TYPES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  [SESSION_REVOKED]: ['session.revoked', 'user.disabled', 'user.deleted', 'password.reset'],
  [CREDENTIAL_CHANGE]: ['password.changed', 'mfa.enrolled', 'mfa.removed', 'passkey.added', 'passkey.removed'],
  [TOKEN_CLAIMS_CHANGE]: ['role.granted', 'role.revoked'],
})

/** Subject identifiers (RFC 9493). */
export type SubjectId =
  | { format: 'iss_sub'; iss: string; sub: string }
  | { format: 'opaque'; id: string }
  | { format: 'complex'; user: SubjectId; session: SubjectId }

/** One catalogue event as the event table holds it. */
export interface StoredEvent {
  eventType: string
  payload: Record<string, unknown>
  /** Epoch milliseconds. */
  createdAt: number
}

export interface CaepEvent {
  uri: string
  subject: SubjectId
  /** The event's members besides event_timestamp (CAEP 1.0 section 3). */
  claims: Record<string, unknown>
}

/** Who ended a session, in CAEP's words (section 3.1 initiating_entity), from the catalogue's reason. */
const INITIATOR: Record<string, string> = {
  logout: 'user',
  'logout-all': 'user',
  admin: 'admin',
  disable: 'admin',
  reset: 'user',
  'refresh-reuse': 'policy',
}

/**
 * The CAEP event a catalogue event becomes, or undefined when receivers do not hear of it. `tokenIssuer`
 * is the `iss` of Heimdall's access tokens (HEIMDALL_JWT_ISSUER): a user is named as the tokens name
 * them, so that a verifier matches the subject against a token's iss and sub. One session ended: the
 * complex subject { user, session } (the session by its `sid`); several: the user alone, and the
 * receiver revokes every session of that user issued at or before event_timestamp.
 */
export function caepEventOf(event: StoredEvent, tokenIssuer: string): CaepEvent | undefined {
  const userId = typeof event.payload.user_id === 'string' ? event.payload.user_id : undefined
  if (userId === undefined) return undefined
  const user: SubjectId = { format: 'iss_sub', iss: tokenIssuer, sub: userId }
  switch (event.eventType) {
    case 'session.revoked': {
      const reason = String(event.payload.reason)
      const sid = typeof event.payload.session_id === 'string' ? event.payload.session_id : undefined
      const subject: SubjectId = sid ? { format: 'complex', user, session: { format: 'opaque', id: sid } } : user
      return { uri: SESSION_REVOKED, subject, claims: { initiating_entity: INITIATOR[reason] ?? 'system', reason_admin: { en: reason } } }
    }
    case 'user.disabled':
    case 'user.deleted':
    case 'password.reset':
      return { uri: SESSION_REVOKED, subject: user, claims: { initiating_entity: event.eventType === 'password.reset' ? 'user' : 'admin', reason_admin: { en: event.eventType } } }
    case 'password.changed':
      return { uri: CREDENTIAL_CHANGE, subject: user, claims: { credential_type: 'password', change_type: 'update' } }
    case 'mfa.enrolled':
      return { uri: CREDENTIAL_CHANGE, subject: user, claims: { credential_type: 'app', change_type: 'create' } }
    case 'mfa.removed':
      return { uri: CREDENTIAL_CHANGE, subject: user, claims: { credential_type: 'app', change_type: 'delete' } }
    case 'passkey.added':
      return { uri: CREDENTIAL_CHANGE, subject: user, claims: { credential_type: 'fido2-platform', change_type: 'create' } }
    case 'passkey.removed':
      return { uri: CREDENTIAL_CHANGE, subject: user, claims: { credential_type: 'fido2-platform', change_type: 'delete' } }
    case 'role.granted':
    case 'role.revoked':
      // The token's permissions are stale from now on: the new values are Heimdall's to compute at the
      // next refresh, so the claim names what changed, not its new value.
      return { uri: TOKEN_CLAIMS_CHANGE, subject: user, claims: { claims: { roles: { [event.eventType === 'role.granted' ? 'granted' : 'revoked']: event.payload.role } } } }
    default:
      return undefined
  }
}

const ANY_SOURCE_TYPE: ReadonlySet<string> = new Set(sourceTypesOf(SUPPORTED_EVENTS))

/** True when a stream may send an event of this catalogue type (whatever events it asked for). */
export function isSsfSourceType(eventType: string): boolean {
  return ANY_SOURCE_TYPE.has(eventType)
}

/** The catalogue types a stream delivering `delivered` (CAEP URIs) reads from the event table. */
export function sourceTypesOf(delivered: readonly string[]): string[] {
  return [...new Set(delivered.flatMap((uri) => SOURCE_TYPES[uri] ?? []))]
}

/**
 * The SET's claims (RFC 8417 section 2.2, SSF 1.0 section 4): jti is the event's id, so a receiver
 * that sees one event twice (a retry, a poll not acknowledged) knows it; txn too, since one change
 * may become several events.
 */
export function setClaimsOf(input: { issuer: string; audience: string; eventId: string; issuedAt: number; event: CaepEvent; occurredAt: number }): Record<string, unknown> {
  return {
    iss: input.issuer,
    aud: input.audience,
    iat: input.issuedAt,
    jti: input.eventId,
    txn: input.eventId,
    sub_id: input.event.subject,
    events: { [input.event.uri]: { event_timestamp: Math.floor(input.occurredAt / 1000), ...input.event.claims } },
  }
}
