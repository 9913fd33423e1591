import { randomUUID } from 'node:crypto'
import { event } from '../../domain/events.js'
import type { Context } from '../../context.js'
import { emailFieldErrors, normalizeEmail } from '../../domain/email.js'
import { passwordFieldErrors } from '../../domain/password-policy.js'
import { DEFAULT_ROLE } from '../../domain/permissions.js'
import { HeimdallError, validationError } from '../../errors.js'
import { isUniqueViolation } from '../../infra/db/unique-violation.js'
import { queueLinkMail } from '../recovery/link-mails.js'

export interface RegisterUserInput {
  email: string
  password: string
  /** Roles granted on top of the default `user` role. */
  roles?: string[]
  /** An operator's user:create: the account may enrol factors before its address is proven. */
  byOperator?: boolean
}

export interface RegisterUserResult {
  userId: string
  email: string
}

export async function registerUser(ctx: Context, input: RegisterUserInput): Promise<RegisterUserResult> {
  const email = normalizeEmail(input.email)
  const problems = [...emailFieldErrors(email), ...passwordFieldErrors(input.password)]
  if (problems.length > 0) throw validationError(problems)

  const roleNames = [...new Set([DEFAULT_ROLE, ...(input.roles ?? [])])]
  const roles = await ctx.roles.findRolesByNames(roleNames)
  const unknown = roleNames.filter((name) => !roles.some((role) => role.name === name))
  if (unknown.length > 0) throw new HeimdallError('role.not_found', `Unknown role: ${unknown.join(', ')}`)

  if (await ctx.users.findUserByEmail(email)) throw emailTaken()

  const userId = randomUUID()
  const passwordHash = await ctx.passwords.hash(input.password)
  const now = ctx.clock.now()
  try {
    // The verification mail is queued with the user: neither exists without the other.
    await ctx.transaction(async (tx) => {
      await tx.users.insertUserWithRoles({ id: userId, email, passwordHash, roleIds: roles.map((role) => role.id), now, createdByOperator: input.byOperator ?? false })
      await queueLinkMail(ctx, tx, { user: { id: userId, email }, purpose: 'email_verification', kind: 'email_verification', recipient: email, now })
      const by = input.byOperator ? 'operator' : 'self'
      await tx.audit.insertAuditEvent({ type: 'user.registered', userId, detail: { roles: roleNames, by }, emits: event('user.created', { user_id: userId, email, roles: roleNames, by }), actor: by === 'self' ? `user:${userId}` : by }, now)
    })
  } catch (error) {
    // Two registrations of one email raced past the check above: the unique index decides.
    if (isUniqueViolation(error)) throw emailTaken()
    throw error
  }
  ctx.mail.nudge()
  return { userId, email }
}

function emailTaken(): HeimdallError {
  return new HeimdallError('user.email_taken', 'Email already registered')
}
