import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { ssfStreams } from './transmitter.js'

/** A stream as operators see it (stream:list): whose it is, how it is delivered, how far it got. */
export interface StreamSummary {
  id: string
  clientId: string
  method: string
  endpointUrl: string | null
  status: string
  eventsDelivered: string[]
  /** The id of the last event row acknowledged with every earlier one. */
  cursor: number
  pushFailures: number
  lastError: string | null
  createdAt: number
}

/** Every stream, oldest first. */
export async function listStreams(ctx: Context): Promise<StreamSummary[]> {
  return (await ssfStreams(ctx).findStreams()).map((row) => ({
    id: row.id,
    clientId: row.client_id,
    method: row.delivery_method,
    endpointUrl: row.endpoint_url,
    status: row.status,
    eventsDelivered: JSON.parse(row.events_delivered) as string[],
    cursor: row.cursor,
    pushFailures: row.push_failures,
    lastError: row.last_error,
    createdAt: row.created_at,
  }))
}

/** Deletes a stream whoever owns it; audited as ssf.stream_deleted (actor operator). Throws ssf.stream_not_found. */
export async function deleteStream(ctx: Context, input: { streamId: string }): Promise<void> {
  const row = await ssfStreams(ctx).findStreamById(input.streamId)
  if (!row || !(await ssfStreams(ctx).deleteStream(row.id))) throw new HeimdallError('ssf.stream_not_found', `No stream ${input.streamId}`)
  await ctx.audit.insertAuditEvent({ type: 'ssf.stream_deleted', detail: { stream_id: row.id, client_id: row.client_id }, actor: 'operator' }, ctx.clock.now())
}
