import type { Context } from '../../context.js'
import { rateLimitKey, retryAfterSeconds } from '../../domain/throttling.js'
import { HeimdallError } from '../../errors.js'

const MINUTE_MS = 60_000

/** Takes one request from a client's per-minute budget for an endpoint; 429 when it is spent. */
export async function consumeRateLimit(ctx: Context, input: { endpoint: string; clientIp: string }): Promise<void> {
  const limit = ctx.config.rateLimitPerMinute
  if (limit === 0) return
  const reservation = await ctx.throttles.reserve(rateLimitKey(input.endpoint, input.clientIp), limit, MINUTE_MS, ctx.clock.now())
  if (!reservation.allowed) {
    const seconds = retryAfterSeconds(reservation.retryAfterMs)
    throw new HeimdallError('request.rate_limited', `Too many requests to ${input.endpoint}; try again in ${seconds} s`, undefined, seconds)
  }
}
