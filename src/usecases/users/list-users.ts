import type { Context } from '../../context.js'
import { normalizeEmail } from '../../domain/email.js'
import { HeimdallError } from '../../errors.js'

export interface ListUsersInput {
  /** A fragment of the email to match anywhere in it. */
  email?: string
  role?: string
  limit: number
  offset: number
}

export interface UserSummary {
  id: string
  email: string
  disabled: boolean
  roles: string[]
  /** Epoch ms. */
  createdAt: number
}

export interface UserPage {
  users: UserSummary[]
  /** How many users match the filters in all, across pages. */
  total: number
  limit: number
  offset: number
}

/** One page of users, oldest first, optionally only those whose email contains a fragment or who hold a role. */
export async function listUsers(ctx: Context, input: ListUsersInput): Promise<UserPage> {
  if (input.role !== undefined && (await ctx.roles.findRolesByNames([input.role])).length === 0) {
    throw new HeimdallError('role.not_found', `Unknown role: ${input.role}`)
  }
  const emailContains = input.email === undefined ? undefined : normalizeEmail(input.email)
  const { rows, total } = await ctx.users.findUsers({ emailContains, role: input.role, limit: input.limit, offset: input.offset })
  const roles = await ctx.roles.findRoleNamesByUserIds(rows.map((row) => row.id))
  return {
    users: rows.map((row) => ({
      id: row.id,
      email: row.email,
      disabled: Boolean(row.disabled),
      roles: roles.get(row.id) ?? [],
      createdAt: Number(row.created_at),
    })),
    total,
    limit: input.limit,
    offset: input.offset,
  }
}
