import type { Knex } from 'knex'
import type { OidcPayloadRow } from '../db/tables.js'

/**
 * Deletes the provider's expired rows (expires_at in epoch milliseconds, at or before `now`); answers
 * how many. Run by the server's sweeper. Apart from the adapter on purpose: context.ts wires this for
 * every process, and the adapter loads oidc-provider, which only the OpenID host should pay for (and
 * whose load-time warning on Node 20 must not reach every CLI command's stderr).
 */
export async function sweepExpiredOidcPayloads(db: Knex, now: number): Promise<number> {
  return db<OidcPayloadRow>('oidc_payloads').where('expires_at', '<=', now).delete()
}
