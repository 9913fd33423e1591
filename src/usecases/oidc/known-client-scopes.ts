import type { Context } from '../../context.js'
import { SSF_SCOPE } from '../ssf/authorize-receiver.js'
import { OIDC_SCOPES } from './scopes.js'

/**
 * The scopes a client may be registered with: the OpenID Connect ones, every permission name, and
 * `ssf` (a Shared Signals receiver managing and reading its streams with a client credentials token,
 * docs/ssf.md), which counts as a permission scope for client_credentials.
 */
export async function knownClientScopes(ctx: Context): Promise<Set<string>> {
  const roles = await ctx.roles.findRolesWithPermissions()
  return new Set<string>([...OIDC_SCOPES, SSF_SCOPE, ...roles.flatMap((role) => role.permissions)])
}
