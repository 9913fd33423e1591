import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import type { IdentityProviderRow } from '../../infra/db/tables.js'

/** The provider named `name`, or federation.provider_not_found. */
export async function findProviderOrFail(ctx: Context, name: string): Promise<IdentityProviderRow> {
  const row = await ctx.identityProviders.findIdentityProviderByName(name)
  if (!row) throw new HeimdallError('federation.provider_not_found', `No identity provider named ${name}`)
  return row
}

/** The provider, enabled, or federation.provider_not_found / federation.provider_disabled. */
export async function findEnabledProviderOrFail(ctx: Context, name: string): Promise<IdentityProviderRow> {
  return requireEnabled(await findProviderOrFail(ctx, name))
}

/** The provider row if it is enabled; federation.provider_disabled otherwise. */
export function requireEnabled(row: IdentityProviderRow): IdentityProviderRow {
  if (!row.enabled) throw new HeimdallError('federation.provider_disabled', `Signing in with ${row.name} is turned off at the moment: use another way to sign in`)
  return row
}
