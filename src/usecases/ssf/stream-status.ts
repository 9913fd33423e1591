import { randomUUID } from 'node:crypto'
import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { ownedStream } from './streams.js'
import { ssfStreams } from './transmitter.js'

const STATUSES = ['enabled', 'paused', 'disabled'] as const

/** Sets a stream's status (SSF 1.0 section 8.1.2.2): paused holds events, disabled drops what happened meanwhile. */
export async function setStreamStatus(ctx: Context, clientId: string, body: unknown): Promise<{ stream_id: string; status: string; reason?: string }> {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  const row = await ownedStream(ctx, clientId, input.stream_id)
  if (!(STATUSES as readonly unknown[]).includes(input.status)) throw new HeimdallError('ssf.invalid_request', `status must be one of ${STATUSES.join(', ')}`)
  const reason = typeof input.reason === 'string' ? input.reason.slice(0, 500) : null
  const repo = ssfStreams(ctx)
  // Re-enabled after being disabled: it starts from now, as a new stream would not (what was dropped stays dropped).
  const cursor = row.status === 'disabled' && input.status !== 'disabled' ? await repo.findLastEventRowIdBefore(Number.MAX_SAFE_INTEGER) : row.cursor
  const changes = { status: input.status as string, status_reason: reason, cursor, acked_beyond: cursor === row.cursor ? row.acked_beyond : '[]', updated_at: Math.max(Date.now(), row.updated_at + 1) }
  if (!(await repo.updateStreamIfUnchanged(row.id, row.updated_at, changes))) throw new HeimdallError('db.busy', 'The stream changed meanwhile: try again')
  return { stream_id: row.id, status: changes.status, ...(reason === null ? {} : { reason }) }
}

/**
 * Asks for a verification event on the stream (SSF 1.0 section 8.1.4): a SET of type verification,
 * carrying the receiver's `state`, sent with the stream's next poll or push until acknowledged. A new
 * request replaces one not yet acknowledged.
 */
export async function requestVerification(ctx: Context, clientId: string, body: unknown): Promise<void> {
  const input = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  const row = await ownedStream(ctx, clientId, input.stream_id)
  if (input.state !== undefined && (typeof input.state !== 'string' || input.state.length > 500)) throw new HeimdallError('ssf.invalid_request', 'state must be a string of at most 500 characters')
  const pending = { jti: `ver_${randomUUID().replaceAll('-', '')}`, state: input.state ?? null, at: ctx.clock.now() }
  await ssfStreams(ctx).updatePendingVerification(row.id, JSON.stringify(pending))
}
