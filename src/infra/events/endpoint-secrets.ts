import type { SecretBox } from '../data-keys/secret-box.js'
import type { WebhookEndpointRow } from '../db/tables.js'

/** What binds a sealed endpoint secret to its endpoint: a row copied to another endpoint does not open. */
export function webhookSecretAssociatedData(endpointId: string): string {
  return `webhook.${endpointId}`
}

/** The secrets that sign a delivery at `now` (epoch ms): the current one, and the previous one during its grace period. */
export async function openEndpointSecrets(secretBox: SecretBox, endpoint: WebhookEndpointRow, now: number): Promise<string[]> {
  const associatedData = webhookSecretAssociatedData(endpoint.id)
  const secrets = [await secretBox.open(endpoint.secret_sealed, associatedData)]
  if (endpoint.previous_secret_sealed !== null && Number(endpoint.previous_secret_until ?? 0) > now) {
    secrets.push(await secretBox.open(endpoint.previous_secret_sealed, associatedData))
  }
  return secrets
}
