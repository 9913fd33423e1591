import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { HeimdallError } from '../../errors.js'
import { ssfStreams } from '../ssf/transmitter.js'

/**
 * Deletes a client and every grant, code and token issued to it, and its Shared Signals streams (a push
 * stream would go on sending). Audited as client.deleted; throws client.not_found.
 */
export async function deleteClient(ctx: Context, input: { clientId: string }): Promise<void> {
  await ctx.transaction(async (tx) => {
    if (!(await tx.oauthClients.deleteOAuthClientById(input.clientId))) throw new HeimdallError('client.not_found', `No client with id ${input.clientId}`)
    const emits = event('client.deleted', { client_id: input.clientId })
    await tx.audit.insertAuditEvent({ type: 'client.deleted', detail: { client_id: input.clientId }, emits, actor: 'operator' })
  })
  await ssfStreams(ctx).deleteStreamsOfClient(input.clientId)
}
