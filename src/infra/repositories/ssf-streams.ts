import type { Knex } from 'knex'
import type { AuditEventRow } from '../db/tables.js'

/** A row of ssf_streams (migrations/20261206500000_ssf_streams.ts); JSON columns as stored. */
export interface SsfStreamRow {
  id: string
  client_id: string
  audience: string
  events_requested: string
  events_delivered: string
  description: string | null
  delivery_method: string
  endpoint_url: string | null
  authorization_header_sealed: string | null
  status: string
  status_reason: string | null
  cursor: number
  acked_beyond: string
  next_push_at: number
  push_failures: number
  claimed_until: number | null
  last_error: string | null
  last_polled_at: number | null
  pending_verification: string | null
  created_at: number
  updated_at: number
}

/** Numbers as numbers: PostgreSQL answers bigint columns as strings. */
function normalise(row: SsfStreamRow | undefined): SsfStreamRow | undefined {
  if (!row) return undefined
  return {
    ...row,
    cursor: Number(row.cursor),
    next_push_at: Number(row.next_push_at),
    push_failures: Number(row.push_failures),
    claimed_until: row.claimed_until === null ? null : Number(row.claimed_until),
    last_polled_at: row.last_polled_at === null ? null : Number(row.last_polled_at),
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
  }
}

export type SsfStreamsRepository = ReturnType<typeof createSsfStreamsRepository>

/** The streams table and the event rows a stream reads; the only SQL of Shared Signals. */
export function createSsfStreamsRepository(db: Knex) {
  return {
    async insertStream(row: SsfStreamRow): Promise<void> {
      await db('ssf_streams').insert(row)
    },

    async findStreamById(id: string): Promise<SsfStreamRow | undefined> {
      return normalise(await db<SsfStreamRow>('ssf_streams').where({ id }).first())
    },

    async findStreams(clientId?: string): Promise<SsfStreamRow[]> {
      const rows = db<SsfStreamRow>('ssf_streams').orderBy('created_at')
      if (clientId !== undefined) rows.where({ client_id: clientId })
      return (await rows).map((row) => normalise(row)!)
    },

    /** Push streams that are due now, enabled and not held by another worker. */
    async findDuePushStreams(now: number, method: string): Promise<SsfStreamRow[]> {
      const rows = await db<SsfStreamRow>('ssf_streams')
        .where({ delivery_method: method, status: 'enabled' })
        .where('next_push_at', '<=', now)
        .where((free) => free.whereNull('claimed_until').orWhere('claimed_until', '<', now))
      return rows.map((row) => normalise(row)!)
    },

    /**
     * Writes `changes` only if the row is still the one read (its updated_at): answers whether it
     * was written. Two instances acknowledging for one stream at once: one wins, the other reads again.
     */
    async updateStreamIfUnchanged(id: string, readAt: number, changes: Partial<SsfStreamRow>): Promise<boolean> {
      const updated = await db('ssf_streams').where({ id, updated_at: readAt }).update(changes)
      return updated === 1
    },

    /** Push bookkeeping (failures, next try, the claim): not a change of the stream, so updated_at stays. */
    async updateStreamPushState(id: string, changes: Pick<Partial<SsfStreamRow>, 'push_failures' | 'next_push_at' | 'last_error' | 'claimed_until'>): Promise<void> {
      await db('ssf_streams').where({ id }).update(changes)
    },

    /** Replaces the sealed push Authorization header only if the row still holds `previous` (data-key rotation). */
    async updateAuthorizationSealed(id: string, previous: string, sealed: string): Promise<boolean> {
      return (await db('ssf_streams').where({ id, authorization_header_sealed: previous }).update({ authorization_header_sealed: sealed })) === 1
    },

    /** Sets (or, with null, clears when it still is `expectedJti`'s) the stream's pending verification event. */
    async updatePendingVerification(id: string, pending: string | null, expectedJti?: string): Promise<void> {
      const rows = db('ssf_streams').where({ id })
      if (expectedJti !== undefined) rows.where('pending_verification', 'like', `%"jti":"${expectedJti}"%`)
      await rows.update({ pending_verification: pending })
    },

    /** Takes a push stream for `until` (epoch ms) if no one holds it: answers whether this caller did. */
    async claimStream(id: string, now: number, until: number): Promise<boolean> {
      const updated = await db('ssf_streams')
        .where({ id })
        .where((free) => free.whereNull('claimed_until').orWhere('claimed_until', '<', now))
        .update({ claimed_until: until })
      return updated === 1
    },

    /** Every stream of a client (the client was deleted); answers how many. */
    async deleteStreamsOfClient(clientId: string): Promise<number> {
      return db('ssf_streams').where({ client_id: clientId }).delete()
    },

    async deleteStream(id: string): Promise<boolean> {
      return (await db('ssf_streams').where({ id }).delete()) === 1
    },

    /** Event rows of `types` after the row `cursor`, oldest first. */
    async findEventsAfter(cursor: number, types: readonly string[], limit: number): Promise<AuditEventRow[]> {
      if (types.length === 0) return []
      return db<AuditEventRow>('audit_events').whereNotNull('event_id').whereIn('event_type', types).where('id', '>', cursor).orderBy('id').limit(limit)
    },

    /** The row ids of events by their event ids, past `cursor`. */
    async findEventRowIds(eventIds: readonly string[], cursor: number): Promise<number[]> {
      if (eventIds.length === 0) return []
      const rows: Array<{ id: number }> = await db('audit_events').whereIn('event_id', eventIds).where('id', '>', cursor).select('id')
      return rows.map((row) => Number(row.id))
    },

    /**
     * The id of the newest event row older than `before` (epoch ms): where a new stream starts, so that
     * it hears of the revocations whose tokens may still be live, and of everything after.
     */
    async findLastEventRowIdBefore(before: number): Promise<number> {
      const row = (await db('audit_events').where('created_at', '<', before).max({ id: 'id' }).first()) as { id: number | string | null } | undefined
      return Number(row?.id ?? 0)
    },

    /** A client credentials access token of the OpenID provider (its opaque value is the row id), unexpired. */
    async findClientCredentialsToken(token: string, now: number): Promise<{ clientId: string; scope: string } | undefined> {
      const row: { payload: string; expires_at: number | string | null } | undefined = await db('oidc_payloads').where({ kind: 'ClientCredentials', id: token }).first('payload', 'expires_at')
      if (!row || (row.expires_at !== null && Number(row.expires_at) <= now)) return undefined
      const payload = JSON.parse(row.payload) as { clientId?: string; scope?: string }
      return payload.clientId ? { clientId: payload.clientId, scope: payload.scope ?? '' } : undefined
    },
  }
}
