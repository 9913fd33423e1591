import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { retryAfterSeconds } from '../../domain/throttling.js'
import { HeimdallError } from '../../errors.js'
import { getCurrentUser } from '../users/get-current-user.js'
import { endedDetail, endWhatCameBeforeProof, isFirstProofOfMailbox, type EndedAtFirstProof, recordEndedAtFirstProof } from './first-proof.js'
import { queueLinkMail } from './link-mails.js'
import { findLiveUserToken, invalidToken } from './user-token.js'

/** Verification mails one account may ask for in an hour. */
export const VERIFICATION_MAILS_PER_HOUR = 3

/**
 * Confirms an address with a verification link's token: verified from now on, on every worker and
 * instance. When it is the first proof of the mailbox, everything set up before it ends in the same
 * transaction (first-proof.ts) and `endedAtFirstProof` says what. Throws recovery.invalid_token.
 */
export async function verifyEmail(ctx: Context, input: { token: string }): Promise<{ email: string; endedAtFirstProof?: EndedAtFirstProof }> {
  const { row, user } = await findLiveUserToken(ctx, input.token, ['email_verification'])
  const now = ctx.clock.now()
  const ended = await ctx.transaction(async (tx) => {
    if (!(await tx.userTokens.updateUserTokenSpent(row.id, now))) throw invalidToken()
    const ended = isFirstProofOfMailbox(user) ? await endWhatCameBeforeProof(tx, user.id, now) : undefined
    await tx.users.updateUserEmailVerified(user.id, now)
    const emits = event('user.updated', { user_id: user.id, changes: ['email_verified'], email: user.email })
    await tx.audit.insertAuditEvent({ type: 'email.verified', userId: user.id, detail: { by: 'link', ...(ended ? { ended_at_first_proof: endedDetail(ended) } : {}) }, emits, actor: `user:${user.id}` }, now)
    if (ended) await recordEndedAtFirstProof(tx, user.id, ended, now, { sessions: true })
    return ended
  })
  await ctx.invalidate({ kind: 'user', id: user.id })
  return { email: user.email, ...(ended ? { endedAtFirstProof: ended } : {}) }
}

/**
 * Sends the signed-in user a new verification link (the older ones stop working); nothing to send
 * when the address is verified already. At most VERIFICATION_MAILS_PER_HOUR an hour (429 beyond).
 */
export async function resendVerification(ctx: Context, input: { accessToken: string | undefined }): Promise<{ queued: boolean }> {
  const current = await getCurrentUser(ctx, input.accessToken)
  return resendVerificationFor(ctx, current)
}

/** resendVerification for a user already known to be signed in (the account page's session): same rules, same limit. */
export async function resendVerificationFor(ctx: Context, current: { userId: string; sessionId: string }): Promise<{ queued: boolean }> {
  const user = await ctx.users.findUserById(current.userId)
  if (!user || user.email_verified_at !== null) return { queued: false }
  const reservation = await ctx.throttles.reserve(`verification-mail:${user.id}`, VERIFICATION_MAILS_PER_HOUR, 3600_000, ctx.clock.now())
  if (!reservation.allowed) {
    const seconds = retryAfterSeconds(reservation.retryAfterMs)
    throw new HeimdallError('request.rate_limited', `Too many verification mails for this account; try again in ${seconds} s`, undefined, seconds)
  }
  const now = ctx.clock.now()
  await ctx.transaction(async (tx) => {
    const mailId = await queueLinkMail(ctx, tx, { user, purpose: 'email_verification', kind: 'email_verification', recipient: user.email, now })
    await tx.audit.insertAuditEvent({ type: 'email.verification_sent', userId: user.id, sessionId: current.sessionId, detail: { mail_id: mailId } }, now)
  })
  ctx.mail.nudge()
  return { queued: true }
}
