import { randomUUID } from 'node:crypto'
import type { Context } from '../../context.js'
import { POLL_DELIVERY, SUPPORTED_EVENTS } from '../../domain/ssf.js'
import { HeimdallError } from '../../errors.js'
import type { SsfStreamRow } from '../../infra/repositories/ssf-streams.js'
import { readStreamSettings, type StreamSettings } from './stream-input.js'
import { requireSsf, ssfIssuerOf, ssfStreams, SSF_PATHS } from './transmitter.js'

/** A stream as receivers read it (SSF 1.0 section 8.1.1); the push Authorization header is never shown. */
export interface StreamView {
  stream_id: string
  iss: string
  aud: string
  events_supported: string[]
  events_requested: string[]
  events_delivered: string[]
  delivery: { method: string; endpoint_url: string | null }
  description?: string
}

/** What a push stream's sealed Authorization header is bound to: its stream (data-key rotation reseals it). */
export const sealedHeaderData = (streamId: string) => `ssf-stream-authorization:${streamId}`

/** Reads a stream's settings back, the Authorization header opened. */
async function settingsOf(ctx: Context, row: SsfStreamRow): Promise<StreamSettings> {
  return {
    eventsRequested: JSON.parse(row.events_requested) as string[],
    description: row.description,
    method: row.delivery_method as StreamSettings['method'],
    endpointUrl: row.endpoint_url,
    authorizationHeader: row.authorization_header_sealed === null ? null : await ctx.secretBox.open(row.authorization_header_sealed, sealedHeaderData(row.id)),
  }
}

/** The push endpoint's Authorization header, opened (for the push sender). */
export async function pushAuthorizationOf(ctx: Context, row: SsfStreamRow): Promise<string | null> {
  return (await settingsOf(ctx, row)).authorizationHeader
}

export function streamViewOf(ctx: Context, row: SsfStreamRow): StreamView {
  const issuer = ssfIssuerOf(ctx.config)
  return {
    stream_id: row.id,
    iss: issuer,
    aud: row.audience,
    events_supported: [...SUPPORTED_EVENTS],
    events_requested: JSON.parse(row.events_requested) as string[],
    events_delivered: JSON.parse(row.events_delivered) as string[],
    delivery: { method: row.delivery_method, endpoint_url: row.delivery_method === POLL_DELIVERY ? `${issuer}${SSF_PATHS.poll}/${row.id}` : row.endpoint_url },
    ...(row.description === null ? {} : { description: row.description }),
  }
}

/** The columns settings give (the header sealed under the stream's id). */
async function columnsOf(ctx: Context, id: string, settings: StreamSettings) {
  return {
    events_requested: JSON.stringify(settings.eventsRequested),
    events_delivered: JSON.stringify(settings.eventsRequested.filter((uri) => SUPPORTED_EVENTS.includes(uri))),
    description: settings.description,
    delivery_method: settings.method,
    endpoint_url: settings.endpointUrl,
    authorization_header_sealed: settings.authorizationHeader === null ? null : await ctx.secretBox.seal(settings.authorizationHeader, sealedHeaderData(id)),
  }
}

/**
 * Creates a stream for `clientId` (SSF 1.0 section 8.1.1.1): its audience is the client id, and it
 * starts one access-token lifetime back in the event table, so a receiver that starts late still
 * hears of the revocations whose tokens may be live. Throws ssf.disabled, ssf.invalid_request.
 */
export async function createStream(ctx: Context, clientId: string, body: unknown): Promise<StreamView> {
  requireSsf(ctx)
  const settings = readStreamSettings(body)
  const id = randomUUID()
  const repo = ssfStreams(ctx)
  const now = Date.now()
  const row: SsfStreamRow = {
    id,
    client_id: clientId,
    audience: clientId,
    ...(await columnsOf(ctx, id, settings)),
    status: 'enabled',
    status_reason: null,
    cursor: await repo.findLastEventRowIdBefore(ctx.clock.now() - ctx.config.accessTokenTtlSeconds * 1000),
    acked_beyond: '[]',
    next_push_at: 0,
    push_failures: 0,
    claimed_until: null,
    last_error: null,
    last_polled_at: null,
    pending_verification: null,
    created_at: now,
    updated_at: now,
  }
  await repo.insertStream(row)
  return streamViewOf(ctx, row)
}

/** The stream `streamId` if `clientId` owns it; ssf.stream_not_found, or ssf.forbidden for another client's. */
export async function ownedStream(ctx: Context, clientId: string, streamId: unknown): Promise<SsfStreamRow> {
  requireSsf(ctx)
  if (typeof streamId !== 'string' || streamId.length === 0 || streamId.length > 64) throw new HeimdallError('ssf.invalid_request', 'stream_id is required')
  const row = await ssfStreams(ctx).findStreamById(streamId)
  if (!row) throw new HeimdallError('ssf.stream_not_found', `No stream ${streamId}`)
  if (row.client_id !== clientId) throw new HeimdallError('ssf.forbidden', 'This stream belongs to another client')
  return row
}

/** The client's streams (SSF 1.0 section 8.1.1.2, without stream_id). */
export async function listOwnStreams(ctx: Context, clientId: string): Promise<StreamView[]> {
  requireSsf(ctx)
  return (await ssfStreams(ctx).findStreams(clientId)).map((row) => streamViewOf(ctx, row))
}

/** PATCH (`replace` false: what the body names) or PUT (`replace` true: the body is the whole of it), SSF 1.0 sections 8.1.1.3-4. */
export async function updateStream(ctx: Context, clientId: string, body: unknown, replace: boolean): Promise<StreamView> {
  const streamId = (body as { stream_id?: unknown } | null)?.stream_id
  const row = await ownedStream(ctx, clientId, streamId)
  const settings = readStreamSettings(body, replace ? undefined : await settingsOf(ctx, row))
  const changed = { ...row, ...(await columnsOf(ctx, row.id, settings)), updated_at: Math.max(Date.now(), row.updated_at + 1) }
  if (!(await ssfStreams(ctx).updateStreamIfUnchanged(row.id, row.updated_at, changed))) throw new HeimdallError('db.busy', 'The stream changed meanwhile: try again')
  return streamViewOf(ctx, changed)
}

/** Deletes a stream the client owns (SSF 1.0 section 8.1.1.5). */
export async function deleteOwnStream(ctx: Context, clientId: string, streamId: unknown): Promise<void> {
  const row = await ownedStream(ctx, clientId, streamId)
  await ssfStreams(ctx).deleteStream(row.id)
}
