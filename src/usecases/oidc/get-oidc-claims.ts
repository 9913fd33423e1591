import type { Context } from '../../context.js'
import { mergePermissions } from '../../domain/permissions.js'

/**
 * The claims an ID token and userinfo may carry about a user (OpenID Connect Core 1.0 section 5.1):
 * sub (the user id), email, email_verified, and Heimdall's own `roles` and `permissions` (arrays of
 * names, released with the `roles` scope; see docs/oidc.md). Undefined for a user who no longer
 * exists or is disabled: the provider then refuses to issue anything for them.
 */
export interface OidcClaims {
  sub: string
  email: string
  email_verified: boolean
  roles: string[]
  permissions: string[]
}

export async function getOidcClaims(ctx: Context, userId: string): Promise<OidcClaims | undefined> {
  const user = await ctx.users.findUserById(userId)
  if (!user || Boolean(user.disabled)) return undefined
  const [roles, permissions] = await Promise.all([ctx.roles.findRoleNamesByUserId(user.id), ctx.roles.findPermissionNamesByUserId(user.id)])
  return { sub: user.id, email: user.email, email_verified: user.email_verified_at !== null, roles: [...roles].sort(), permissions: mergePermissions(permissions) }
}
