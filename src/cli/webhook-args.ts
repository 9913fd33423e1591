import { Args } from '@oclif/core'
import { DURATION_RANGES } from '../domain/durations.js'
import { validationError } from '../errors.js'
import type { DeliveryView } from '../usecases/events/list-deliveries.js'
import type { WebhookView } from '../usecases/events/webhook-view.js'
import { durationFlag } from './duration-flag.js'
import { isoTime } from './format.js'

/** The endpoint a command acts on, by the name webhook:create gave it. */
export const webhookNameArg = Args.string({ description: 'The endpoint\'s name (webhook:list shows them)', required: true })

/** An endpoint as --json carries it: snake_case, never its secret. */
export function webhookJson(webhook: WebhookView) {
  return {
    name: webhook.name,
    url: webhook.url,
    events: webhook.events,
    enabled: webhook.enabled,
    disabled_reason: webhook.disabledReason,
    previous_secret_until: isoTime(webhook.previousSecretUntil),
    created_at: isoTime(webhook.createdAt),
    updated_at: isoTime(webhook.updatedAt),
  }
}

/** The endpoint as aligned lines. */
export function webhookLines(webhook: WebhookView): string[] {
  return Object.entries(webhookJson(webhook)).map(([name, value]) => `${`${name}:`.padEnd(23)}${value === null ? '(none)' : typeof value === 'boolean' ? (value ? 'yes' : 'no') : Array.isArray(value) ? value.join(' ') : value}`)
}

export function deliveryJson(delivery: DeliveryView) {
  return {
    id: delivery.id,
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    status: delivery.status,
    created_at: isoTime(delivery.createdAt),
    delivered_at: isoTime(delivery.deliveredAt),
    next_attempt_at: isoTime(delivery.nextAttemptAt),
    attempts: delivery.attempts.map((attempt) => ({ attempt: attempt.attempt, started_at: isoTime(attempt.startedAt), latency_ms: attempt.latencyMs, status_code: attempt.statusCode, error: attempt.error })),
  }
}

/** --since as a moment (epoch ms): an ISO 8601 time (2026-12-06T10:00:00Z) or a duration back from now (30m, 24h, 7d). */
export function sinceFlag(raw: string, now: number): number {
  if (/^\d{4}-\d{2}-\d{2}/.test(raw)) {
    const at = Date.parse(raw)
    if (Number.isNaN(at)) throw validationError([{ loc: ['--since'], msg: `--since "${raw}" is no ISO 8601 time`, type: 'value_error' }])
    return at
  }
  return now - durationFlag(raw, '--since', DURATION_RANGES.auditSince) * 1000
}
