import type { Context } from '../../context.js'
import { isAsymmetric } from '../../domain/signing-key-lifecycle.js'
import { PUSH_DELIVERY } from '../../domain/ssf.js'
import { postWebhook } from '../../infra/events/webhook-client.js'
import type { SsfStreamRow } from '../../infra/repositories/ssf-streams.js'
import { VERSION } from '../../version.js'
import { acknowledgeEvents, pendingEvents, securityEventsOf, verificationSetOf } from './stream-events.js'
import { pushAuthorizationOf } from './streams.js'
import { ssfStreams } from './transmitter.js'

/** How long one instance holds a push stream (ms): longer than a round of sends with their timeouts. */
const CLAIM_MS = 60_000
const EVENTS_PER_ROUND = 20
/** Backoff after the n-th failure in a row: 1 s, 2 s, 4 s ... at most 5 minutes. */
export function pushBackoffMs(failures: number): number {
  return Math.min(1000 * 2 ** Math.max(0, failures - 1), 300_000)
}

/**
 * One round of push delivery (RFC 8935), off the request path: every enabled push stream that is
 * due and that no other instance holds is claimed, and its unacknowledged events are POSTed to its
 * endpoint in order, one SET a request (application/secevent+jwt, with the stream's Authorization
 * header), through the webhooks' SSRF guard (HEIMDALL_WEBHOOK_ALLOW_PRIVATE, HEIMDALL_WEBHOOK_TIMEOUT_MS). 202 is delivered (acknowledged, never sent again); anything else stops the stream's round
 * and schedules the next try with backoff. Answers how many SETs were delivered.
 */
export async function pushDueEvents(ctx: Context): Promise<number> {
  if (!isAsymmetric(ctx.config.jwtAlg)) return 0
  const repo = ssfStreams(ctx)
  let delivered = 0
  for (const stream of await repo.findDuePushStreams(Date.now(), PUSH_DELIVERY)) {
    if (!(await repo.claimStream(stream.id, Date.now(), Date.now() + CLAIM_MS))) continue
    try {
      delivered += await pushStream(ctx, stream)
    } finally {
      await repo.updateStreamPushState(stream.id, { claimed_until: null })
    }
  }
  return delivered
}

async function pushStream(ctx: Context, stream: SsfStreamRow): Promise<number> {
  const repo = ssfStreams(ctx)
  const rows = await pendingEvents(ctx, stream, EVENTS_PER_ROUND)
  const verification = await verificationSetOf(ctx, stream)
  if (rows.length === 0 && !verification) return 0
  const found = await securityEventsOf(ctx, stream, rows)
  const skipped = found.skipped
  const sets = verification ? { [verification.jti]: verification.set, ...found.sets } : found.sets
  const authorization = await pushAuthorizationOf(ctx, stream)
  const done: string[] = [...skipped]
  let failure: string | undefined
  for (const [jti, set] of Object.entries(sets)) {
    failure = await send(ctx, stream.endpoint_url!, set, authorization)
    if (failure !== undefined) break
    done.push(jti)
  }
  if (done.length > 0) await acknowledgeEvents(ctx, stream.id, done)
  if (failure !== undefined) {
    const failures = stream.push_failures + 1
    await repo.updateStreamPushState(stream.id, { push_failures: failures, next_push_at: Date.now() + pushBackoffMs(failures), last_error: failure.slice(0, 2000) })
    ctx.logger.warn({ stream_id: stream.id, failures, error: failure }, 'ssf push failed')
  } else if (stream.push_failures > 0) {
    await repo.updateStreamPushState(stream.id, { push_failures: 0, next_push_at: 0, last_error: null })
  }
  return done.length - skipped.length
}

/** Sends one SET through the webhooks' SSRF-guarded client; undefined when the receiver took it (202), else why not. */
async function send(ctx: Context, endpoint: string, set: string, authorization: string | null): Promise<string | undefined> {
  const headers: Record<string, string> = { 'content-type': 'application/secevent+jwt', accept: 'application/json', ...(authorization === null ? {} : { authorization }) }
  const response = await postWebhook(endpoint, set, headers, { allowPrivate: ctx.config.webhookAllowPrivate, timeoutMs: ctx.config.webhookTimeoutMs, userAgent: `Heimdall/${VERSION} (ssf)` })
  if (response.statusCode === 202) return undefined
  return response.error ?? `HTTP ${response.statusCode}`
}
