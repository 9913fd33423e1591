import type { Context } from '../../context.js'
import { mergePermissions } from '../../domain/permissions.js'
import { listIdentities, type IdentitySummary } from '../federation/list-identities.js'
import { findUserByEmailOrFail } from './find-user.js'

export interface UserDetails {
  id: string
  email: string
  disabled: boolean
  /** Whether the address was proven the user's (a link, or an operator's user:verify-email). */
  emailVerified: boolean
  roles: string[]
  permissions: string[]
  /** Epoch ms. */
  createdAt: number
  /** Sessions neither revoked nor expired. */
  activeSessions: number
  /** Identities at other providers linked to the account (docs/federation.md). */
  identities: IdentitySummary[]
}

/** Everything an operator asks about one user, named by email. */
export async function getUserDetails(ctx: Context, input: { email: string }): Promise<UserDetails> {
  const user = await findUserByEmailOrFail(ctx, input.email)
  const [roles, permissions, activeSessions, identities] = await Promise.all([
    ctx.roles.findRoleNamesByUserId(user.id),
    ctx.roles.findPermissionNamesByUserId(user.id),
    ctx.sessions.countActiveSessionsByUserId(user.id, ctx.clock.now()),
    listIdentities(ctx, { userId: user.id }),
  ])
  return {
    id: user.id,
    email: user.email,
    disabled: Boolean(user.disabled),
    emailVerified: user.email_verified_at !== null,
    roles,
    permissions: mergePermissions(permissions),
    createdAt: Number(user.created_at),
    activeSessions,
    identities,
  }
}
