import { setTimeout as sleep } from 'node:timers/promises'
import type { Context } from '../../context.js'
import { POLL_DELIVERY } from '../../domain/ssf.js'
import { HeimdallError } from '../../errors.js'
import { acknowledgeEvents, pendingEvents, securityEventsOf, verificationSetOf } from './stream-events.js'
import { ownedStream } from './streams.js'
import { ssfStreams } from './transmitter.js'

export interface PollInput {
  streamId: string
  /** jti values received (RFC 8936 section 2.4 `ack`). */
  ack: string[]
  /** jti values the receiver could not process (`setErrs`): received too, never sent again. */
  errors: string[]
  /** At most this many SETs (`maxEvents`); 0 acknowledges only. */
  maxEvents: number
  /** false: wait up to HEIMDALL_SSF_LONG_POLL_MS for an event when none is pending. */
  returnImmediately: boolean
  /** The request ended (the receiver hung up): stop waiting. */
  signal?: AbortSignal
}

/** How often a long poll looks at the event table again (ms): other instances' events arrive there. */
const LONG_POLL_CHECK_MS = 100

/**
 * One poll (RFC 8936 section 2.4): acknowledges what the receiver names, then answers the stream's
 * unacknowledged events, oldest first (a verification event asked for first of all): `sets` by jti and `moreAvailable`. Events not acknowledged are
 * sent again on the next poll; the cursor lives in the database, so any instance serves the next one
 * and a restart loses nothing. Throws what ownedStream throws, and ssf.invalid_request for a push stream.
 */
export async function pollEvents(ctx: Context, clientId: string, input: PollInput): Promise<{ sets: Record<string, string>; moreAvailable: boolean }> {
  const owned = await ownedStream(ctx, clientId, input.streamId)
  if (owned.delivery_method !== POLL_DELIVERY) throw new HeimdallError('ssf.invalid_request', 'This stream is delivered by push, not poll')
  const received = [...input.ack, ...input.errors]
  if (received.length > 0) await acknowledgeEvents(ctx, owned.id, received)
  if (input.maxEvents === 0) return { sets: {}, moreAvailable: false }
  const deadline = Date.now() + (input.returnImmediately ? 0 : ctx.config.ssfLongPollMs)
  for (;;) {
    const stream = await ssfStreams(ctx).findStreamById(owned.id)
    if (!stream || stream.status !== 'enabled') return { sets: {}, moreAvailable: false }
    const verification = await verificationSetOf(ctx, stream)
    const room = input.maxEvents - (verification ? 1 : 0)
    const rows = await pendingEvents(ctx, stream, room + 1)
    if (rows.length > 0 || verification) {
      const { sets, skipped } = await securityEventsOf(ctx, stream, rows.slice(0, room))
      if (skipped.length > 0) await acknowledgeEvents(ctx, stream.id, skipped)
      const answer = verification ? { [verification.jti]: verification.set, ...sets } : sets
      if (Object.keys(answer).length > 0 || Date.now() >= deadline) return { sets: answer, moreAvailable: rows.length > room }
      continue
    }
    if (Date.now() >= deadline || input.signal?.aborted) return { sets: {}, moreAvailable: false }
    await sleep(LONG_POLL_CHECK_MS, undefined, { signal: input.signal }).catch(() => undefined)
  }
}
