import { randomBytes } from 'node:crypto'
import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { hashClientSecret } from '../../infra/oidc/client-metadata.js'

/**
 * Gives a confidential client a new secret (shown once) and invalidates the old one at once; the
 * tokens it already holds stay valid. Audited as client.secret_rotated. Throws client.not_found, or
 * client.no_secret for a public client (it proves itself with PKCE: there is no secret to replace).
 */
export async function rotateClientSecret(ctx: Context, input: { clientId: string }): Promise<{ clientId: string; clientSecret: string }> {
  const client = await ctx.oauthClients.findOAuthClientById(input.clientId)
  if (!client) throw new HeimdallError('client.not_found', `No client with id ${input.clientId}`)
  if (client.secret_hash === null) {
    throw new HeimdallError('client.no_secret', `Client ${client.client_id} is public: it has no secret to rotate (it proves itself with PKCE)`)
  }
  const clientSecret = randomBytes(32).toString('base64url')
  const now = ctx.clock.now()
  await ctx.oauthClients.updateOAuthClientSecret(client.client_id, hashClientSecret(clientSecret), now)
  await ctx.audit.insertAuditEvent({ type: 'client.secret_rotated', detail: { client_id: client.client_id } }, now)
  return { clientId: client.client_id, clientSecret }
}
