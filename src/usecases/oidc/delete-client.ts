import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'

/** Deletes a client and every grant, code and token issued to it. Audited as client.deleted; throws client.not_found. */
export async function deleteClient(ctx: Context, input: { clientId: string }): Promise<void> {
  if (!(await ctx.oauthClients.deleteOAuthClientById(input.clientId))) throw new HeimdallError('client.not_found', `No client with id ${input.clientId}`)
  await ctx.audit.insertAuditEvent({ type: 'client.deleted', detail: { client_id: input.clientId } })
}
