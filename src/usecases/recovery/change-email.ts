import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { emailFieldErrors, normalizeEmail } from '../../domain/email.js'
import { HeimdallError, validationError } from '../../errors.js'
import { isUniqueViolation } from '../../infra/db/unique-violation.js'
import { confirmPasswordOf } from '../mfa/confirm-password.js'
import { getCurrentUser } from '../users/get-current-user.js'
import { queueLinkMail, queueNotice } from './link-mails.js'
import { findLiveUserToken, invalidToken } from './user-token.js'

export interface EmailChangeInput {
  accessToken: string | undefined
  newEmail: string
  password: string
  ip?: string
}

/**
 * The signed-in user asks to move to a new address, proving it is them with their password, out of
 * the account's login-lockout budget like a login: a wrong one is counted as a failed guess, so the
 * account locks after as many as a login's would lock it (a stolen session is no password oracle).
 * A confirmation link goes to the new address and a notice to the old one; nothing changes until the
 * link is used. A taken address is refused here (400) and again at confirmation.
 */
export async function requestEmailChange(ctx: Context, input: EmailChangeInput): Promise<void> {
  return requestEmailChangeFor(ctx, await getCurrentUser(ctx, input.accessToken), input)
}

/** requestEmailChange for a user already known to be signed in (the account page's session): same proof, same mails. */
export async function requestEmailChangeFor(ctx: Context, current: { userId: string; sessionId: string }, input: Omit<EmailChangeInput, 'accessToken'>): Promise<void> {
  const newEmail = normalizeEmail(input.newEmail)
  const problems = emailFieldErrors(newEmail).map((problem) => ({ ...problem, loc: ['new_email'] }))
  if (problems.length > 0) throw validationError(problems)
  const user = await ctx.users.findUserById(current.userId)
  if (!user) throw new HeimdallError('token.invalid', 'Session not found')
  if (newEmail === user.email) throw validationError([{ loc: ['new_email'], msg: 'This is already your address', type: 'value_error' }])

  await confirmPasswordOf(ctx, user, input.password, input.ip, { type: 'email.change_refused', userId: user.id, sessionId: current.sessionId, detail: { reason: 'wrong_password', ip: input.ip } })
  if (await ctx.users.findUserByEmail(newEmail)) throw emailTaken()

  const now = ctx.clock.now()
  await ctx.transaction(async (tx) => {
    await queueLinkMail(ctx, tx, { user, purpose: 'email_change', kind: 'email_change', recipient: newEmail, newEmail, now })
    await queueNotice(ctx, tx, { user, kind: 'email_change_notice', recipient: user.email, newEmail, now })
    await tx.audit.insertAuditEvent({ type: 'email.change_requested', userId: user.id, sessionId: current.sessionId, detail: { ip: input.ip } }, now)
  })
  ctx.mail.nudge()
}

/**
 * Moves the account to the address a change link was sent to, verified (the link proved it). Its
 * sessions show the new address at once, on every worker and instance. Links for the old address
 * (verification, reset, other changes) stop working.
 */
export async function confirmEmailChange(ctx: Context, input: { token: string }): Promise<{ email: string; previousEmail: string }> {
  const { row, user } = await findLiveUserToken(ctx, input.token, ['email_change'])
  const newEmail = row.new_email!
  const now = ctx.clock.now()
  try {
    await ctx.transaction(async (tx) => {
      if (await tx.users.findUserByEmail(newEmail)) throw emailTaken()
      if (!(await tx.userTokens.updateUserTokenSpent(row.id, now))) throw invalidToken()
      await tx.users.updateUserEmail(user.id, newEmail, now)
      await tx.userTokens.updateUserTokensSuperseded(user.id, ['email_verification', 'email_change', 'password_reset'], now)
      const emits = event('user.updated', { user_id: user.id, changes: ['email', 'email_verified'], email: newEmail })
      await tx.audit.insertAuditEvent({ type: 'email.changed', userId: user.id, detail: { by: 'link' }, emits, actor: `user:${user.id}` }, now)
    })
  } catch (error) {
    // Taken between the check and the update: the unique index decides.
    if (isUniqueViolation(error)) throw emailTaken()
    throw error
  }
  await ctx.invalidate({ kind: 'user', id: user.id })
  return { email: newEmail, previousEmail: user.email }
}

function emailTaken(): HeimdallError {
  return new HeimdallError('user.email_taken', 'Email already registered')
}
