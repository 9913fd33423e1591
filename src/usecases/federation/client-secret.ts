import type { Context } from '../../context.js'
import type { IdentityProviderRow } from '../../infra/db/tables.js'

/** What binds a sealed client secret to its provider row: a value copied to another provider does not open. */
export function clientSecretAssociatedData(providerId: string): string {
  return `idp.client_secret.${providerId}`
}

/** Seals the client secret Heimdall holds at an upstream provider (AES-256-GCM under the data key). */
export function sealClientSecret(ctx: Context, providerId: string, secret: string): Promise<string> {
  return ctx.secretBox.seal(secret, clientSecretAssociatedData(providerId))
}

/** Opens a provider's client secret; throws config.invalid when no configured data key opens it. */
export function openClientSecret(ctx: Context, provider: Pick<IdentityProviderRow, 'id' | 'client_secret_sealed'>): Promise<string> {
  return ctx.secretBox.open(provider.client_secret_sealed, clientSecretAssociatedData(provider.id))
}
