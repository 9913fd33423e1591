import type { Context } from '../../context.js'
import type { PasskeyRow } from '../../infra/db/tables.js'
import { relyingPartyOf, type RelyingParty } from '../../infra/mfa/webauthn.js'

/** The relying party of this Heimdall: HEIMDALL_PUBLIC_URL's host name and origin. */
export function relyingParty(ctx: Context): RelyingParty {
  return relyingPartyOf(ctx.config.publicUrl, 'Heimdall')
}

export function transportsOf(row: PasskeyRow): string[] {
  return row.transports ? row.transports.split(',') : []
}
