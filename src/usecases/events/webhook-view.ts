import type { WebhookEndpointRow } from '../../infra/db/tables.js'

/** An endpoint as the CLI shows it: never its secret. Times in epoch ms. */
export interface WebhookView {
  id: string
  name: string
  url: string
  events: string[]
  enabled: boolean
  disabledReason: string | null
  /** Until when the secret before the last rotation signs too; null when none does. */
  previousSecretUntil: number | null
  createdAt: number
  updatedAt: number
}

export function webhookView(row: WebhookEndpointRow, now: number): WebhookView {
  const until = row.previous_secret_until === null ? null : Number(row.previous_secret_until)
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    events: JSON.parse(row.events) as string[],
    enabled: Boolean(row.enabled),
    disabledReason: row.disabled_reason,
    previousSecretUntil: until !== null && until > now ? until : null,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  }
}
