import type { Context } from '../../context.js'
import { OIDC_SCOPES } from './scopes.js'

/** The scopes a client may be registered with: the OpenID Connect ones and every permission name. */
export async function knownClientScopes(ctx: Context): Promise<Set<string>> {
  const roles = await ctx.roles.findRolesWithPermissions()
  return new Set<string>([...OIDC_SCOPES, ...roles.flatMap((role) => role.permissions)])
}
