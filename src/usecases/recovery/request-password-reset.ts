import type { Context } from '../../context.js'
import { normalizeEmail } from '../../domain/email.js'
import { HeimdallError } from '../../errors.js'
import { queueLinkMail } from './link-mails.js'

/** Reset mails one address may be sent in an hour, whoever asks. */
export const RESET_MAILS_PER_HOUR = 3

export type ResetRequestOutcome = 'queued' | 'unknown_account' | 'disabled' | 'capped'

/**
 * "Forgot my password": for an existing, enabled account, a reset link goes out by mail (at most
 * RESET_MAILS_PER_HOUR an hour per address); for any other address nothing happens. The outcome is
 * for the operator and the logs: the HTTP door answers every caller the same.
 */
export async function requestPasswordReset(ctx: Context, input: { email: string; ip?: string }): Promise<{ outcome: ResetRequestOutcome; mailId?: number }> {
  const email = normalizeEmail(input.email)
  const user = await ctx.users.findUserByEmail(email)
  if (!user) return { outcome: 'unknown_account' }
  if (user.disabled) return { outcome: 'disabled' }
  const reservation = await ctx.throttles.reserve(`reset-mail:${user.id}`, RESET_MAILS_PER_HOUR, 3600_000, ctx.clock.now())
  if (!reservation.allowed) {
    await ctx.audit.insertAuditEvent({ type: 'password.reset_capped', userId: user.id, detail: { ip: input.ip } })
    return { outcome: 'capped' }
  }
  return { outcome: 'queued', mailId: await queueResetMail(ctx, user, { ip: input.ip, by: 'user' }) }
}

/** An operator sends a reset link (user:send-reset): no hourly cap, but never to a disabled account. */
export async function sendPasswordReset(ctx: Context, input: { email: string }): Promise<{ mailId: number; email: string }> {
  const email = normalizeEmail(input.email)
  const user = await ctx.users.findUserByEmail(email)
  if (!user) throw new HeimdallError('user.not_found', `No user with email ${email}`)
  if (user.disabled) throw new HeimdallError('auth.account_disabled', `${email} is disabled: enable it first (user:enable)`)
  return { mailId: await queueResetMail(ctx, user, { by: 'operator' }), email }
}

async function queueResetMail(ctx: Context, user: { id: string; email: string }, detail: { ip?: string; by: 'user' | 'operator' }): Promise<number> {
  const now = ctx.clock.now()
  const mailId = await ctx.transaction(async (tx) => {
    const id = await queueLinkMail(ctx, tx, { user, purpose: 'password_reset', kind: 'password_reset', recipient: user.email, now })
    await tx.audit.insertAuditEvent({ type: 'password.reset_requested', userId: user.id, detail: { ...detail, mail_id: id } }, now)
    return id
  })
  ctx.mail.nudge()
  return mailId
}
