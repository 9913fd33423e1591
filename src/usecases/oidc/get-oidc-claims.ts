import type { Context } from '../../context.js'
import { mergePermissions } from '../../domain/permissions.js'
import { rolesWithheldFrom } from '../../domain/second-factor-rule.js'

/**
 * The claims an ID token and userinfo may carry about a user (OpenID Connect Core 1.0 section 5.1):
 * sub (the user id), email, email_verified, the `profile` scope's name, preferred_username (both the
 * email address: Heimdall keeps no other name) and updated_at (epoch seconds), and Heimdall's own
 * `roles` and `permissions` (arrays of names, released with the `roles` scope; see docs/oidc.md).
 * Undefined for a user who no longer exists or is disabled: the provider then refuses to issue
 * anything for them.
 */
export interface OidcClaims {
  sub: string
  email: string
  email_verified: boolean
  name: string
  preferred_username: string
  /** When the user's record last changed, in epoch seconds. */
  updated_at: number
  roles: string[]
  permissions: string[]
}

/**
 * With `sessionId` (the Heimdall session a grant was made in), the roles of HEIMDALL_MFA_REQUIRED_ROLES
 * and their permissions are left out when that session's sign-in was one factor
 * (domain/second-factor-rule.ts), as in every token of that session.
 */
export async function getOidcClaims(ctx: Context, userId: string, sessionId?: string): Promise<OidcClaims | undefined> {
  const user = await ctx.users.findUserById(userId)
  if (!user || Boolean(user.disabled)) return undefined
  const session = sessionId === undefined ? undefined : await ctx.sessions.findSessionWithUserById(sessionId)
  const withheld = rolesWithheldFrom(session?.amr, ctx.config.mfaRequiredRoles)
  const [roles, permissions] = await Promise.all([ctx.roles.findRoleNamesByUserId(user.id), ctx.roles.findPermissionNamesByUserId(user.id, withheld)])
  return {
    sub: user.id,
    email: user.email,
    email_verified: user.email_verified_at !== null,
    name: user.email,
    preferred_username: user.email,
    updated_at: Math.floor(Number(user.updated_at) / 1000),
    roles: roles.filter((role) => !withheld.includes(role)).sort(),
    permissions: mergePermissions(permissions),
  }
}
