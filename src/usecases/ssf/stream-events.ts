import type { Context } from '../../context.js'
import { caepEventOf, setClaimsOf, sourceTypesOf, VERIFICATION } from '../../domain/ssf.js'
import { HeimdallError } from '../../errors.js'
import type { AuditEventRow } from '../../infra/db/tables.js'
import type { SsfStreamRow } from '../../infra/repositories/ssf-streams.js'
import { signSecurityEvent } from '../../infra/ssf/set-signer.js'
import { requireSsf, ssfIssuerOf, ssfStreams } from './transmitter.js'

/**
 * How long an acknowledged event stays beyond the cursor before the cursor may pass it (ms). Event ids
 * are taken when a transaction inserts its row, and rows commit in another order: the cursor passing
 * row 11 while row 10's transaction is still open would skip row 10 for good. An acknowledged row
 * waits in acked_beyond this long instead, longer than any transaction of Heimdall's runs.
 */
export const SETTLE_MS = 10_000
/** Acknowledged ids kept beyond the cursor at most (a receiver that never acknowledges one event). */
const MAX_ACKED_BEYOND = 5_000

const ackedOf = (row: SsfStreamRow) => new Set(JSON.parse(row.acked_beyond) as number[])

/**
 * Events the stream has not had acknowledged, oldest first, at most `limit` (RFC 8936 section 2.4:
 * until acknowledged, an event is sent again).
 */
export async function pendingEvents(ctx: Context, stream: SsfStreamRow, limit: number): Promise<AuditEventRow[]> {
  const acked = ackedOf(stream)
  const types = sourceTypesOf(JSON.parse(stream.events_delivered) as string[])
  const rows = await ssfStreams(ctx).findEventsAfter(stream.cursor, types, limit + acked.size)
  return rows.filter((row) => !acked.has(Number(row.id))).slice(0, limit)
}

/**
 * Records that the receiver has `eventIds` (jti values: acknowledged, or reported as errors, which
 * RFC 8936 section 2.4.3 also counts as received), then moves the cursor over every settled event
 * acknowledged in a row from it. Retries when another instance wrote the stream meanwhile; throws
 * db.busy when that keeps happening.
 */
export async function acknowledgeEvents(ctx: Context, streamId: string, eventIds: readonly string[]): Promise<void> {
  const repo = ssfStreams(ctx)
  for (const jti of eventIds.filter((id) => /^ver_[0-9a-f]{32}$/.test(id))) await repo.updatePendingVerification(streamId, null, jti)
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const stream = await repo.findStreamById(streamId)
    if (!stream) return
    const acked = ackedOf(stream)
    const before = acked.size
    for (const id of await repo.findEventRowIds(eventIds, stream.cursor)) acked.add(id)
    let cursor = stream.cursor
    const settledBefore = ctx.clock.now() - SETTLE_MS
    const types = sourceTypesOf(JSON.parse(stream.events_delivered) as string[])
    for (const row of await repo.findEventsAfter(stream.cursor, types, acked.size + 1)) {
      const id = Number(row.id)
      if (!acked.has(id) || Number(row.created_at) > settledBefore) break
      cursor = id
      acked.delete(id)
    }
    if (cursor === stream.cursor && acked.size === before) return
    const kept = [...acked].filter((id) => id > cursor).sort((a, b) => a - b).slice(-MAX_ACKED_BEYOND)
    const changes = { cursor, acked_beyond: JSON.stringify(kept), updated_at: Math.max(Date.now(), stream.updated_at + 1) }
    if (await repo.updateStreamIfUnchanged(stream.id, stream.updated_at, changes)) return
  }
  throw new HeimdallError('db.busy', 'The stream was written by others on every try: acknowledge again')
}

/**
 * The SETs of `rows` for `stream`, by jti (the event id), signed with Heimdall's published key; the
 * ids of rows that become no CAEP event (a session.revoked without a user) in `skipped`, for the
 * caller to acknowledge so that they are never looked at again.
 */
export async function securityEventsOf(ctx: Context, stream: SsfStreamRow, rows: readonly AuditEventRow[]): Promise<{ sets: Record<string, string>; skipped: string[] }> {
  const alg = requireSsf(ctx)
  const issuer = ssfIssuerOf(ctx.config)
  const sets: Record<string, string> = {}
  const skipped: string[] = []
  const now = ctx.clock.now()
  for (const row of rows) {
    const eventId = row.event_id!
    const event = caepEventOf({ eventType: row.event_type ?? '', payload: JSON.parse(row.payload ?? '{}') as Record<string, unknown>, createdAt: Number(row.created_at) }, ctx.config.jwtIssuer)
    if (!event) {
      skipped.push(eventId)
      continue
    }
    const claims = setClaimsOf({ issuer, audience: stream.audience, eventId, issuedAt: Math.floor(now / 1000), event, occurredAt: Number(row.created_at) })
    sets[eventId] = await signSecurityEvent(ctx.signingKeys, alg, claims, now)
  }
  return { sets, skipped }
}

/** The stream's pending verification event (SSF 1.0 section 8.1.4) as a signed SET, or undefined. */
export async function verificationSetOf(ctx: Context, stream: SsfStreamRow): Promise<{ jti: string; set: string } | undefined> {
  if (stream.pending_verification === null) return undefined
  const alg = requireSsf(ctx)
  const pending = JSON.parse(stream.pending_verification) as { jti: string; state: string | null; at: number }
  const now = ctx.clock.now()
  const claims = setClaimsOf({
    issuer: ssfIssuerOf(ctx.config),
    audience: stream.audience,
    eventId: pending.jti,
    issuedAt: Math.floor(now / 1000),
    event: { uri: VERIFICATION, subject: { format: 'opaque', id: stream.id }, claims: pending.state === null ? {} : { state: pending.state } },
    occurredAt: pending.at,
  })
  return { jti: pending.jti, set: await signSecurityEvent(ctx.signingKeys, alg, claims, now) }
}
