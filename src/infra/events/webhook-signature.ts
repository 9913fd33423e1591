import { randomBytes } from 'node:crypto'
import { Webhook } from 'standardwebhooks'

/** A new endpoint secret in the Standard Webhooks form: `whsec_` and 24 random bytes, base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`
}

/**
 * The webhook-signature header for one delivery: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`
 * under each secret, space-separated (Standard Webhooks: a receiver accepts the message when any
 * one of them verifies; during a rotation's grace period the old and the new secret both sign).
 */
export function signWebhook(secrets: readonly string[], id: string, sentAt: Date, body: string): string {
  return secrets.map((secret) => new Webhook(secret).sign(id, sentAt, body)).join(' ')
}
