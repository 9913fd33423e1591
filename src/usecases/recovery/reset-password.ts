import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { passwordFieldErrors } from '../../domain/password-policy.js'
import { loginLockoutKey } from '../../domain/throttling.js'
import { validationError } from '../../errors.js'
import { endedDetail, endWhatCameBeforeProof, isFirstProofOfMailbox, type EndedAtFirstProof, recordEndedAtFirstProof } from './first-proof.js'
import { queueNotice } from './link-mails.js'
import { sessionsEnded } from '../events/sessions-ended.js'
import { findLiveUserToken, invalidToken } from './user-token.js'

export interface ResetPasswordInput {
  token: string
  newPassword: string
  ip?: string
}

/**
 * Sets a new password with a reset link's token. The token is checked first (400), then the password
 * against the registration policy (422, details at body.new_password). Then, in one transaction: the
 * token is spent (exactly one concurrent use wins), the password set, every session of the user
 * revoked (their refresh tokens die with them), older reset links ended, the login lockout lifted,
 * the address marked verified (the link proved the mailbox), an audit event and a "password changed"
 * notice queued. Every worker and instance drops the sessions at once, as logout-all does. When the
 * link is the first proof of the mailbox, everything set up before it ends too (first-proof.ts), and
 * `endedAtFirstProof` says what.
 */
export async function resetPassword(ctx: Context, input: ResetPasswordInput): Promise<{ userId: string; revokedSessions: number; endedAtFirstProof?: EndedAtFirstProof }> {
  const { row, user } = await findLiveUserToken(ctx, input.token, ['password_reset'])
  const problems = passwordFieldErrors(input.newPassword).map((problem) => ({ ...problem, loc: ['new_password'] }))
  if (problems.length > 0) throw validationError(problems)

  const passwordHash = await ctx.passwords.hash(input.newPassword)
  const now = ctx.clock.now()
  const firstProof = isFirstProofOfMailbox(user)
  const { revokedSessions, ended } = await ctx.transaction(async (tx) => {
    if (!(await tx.userTokens.updateUserTokenSpent(row.id, now))) throw invalidToken()
    // Before the password is written, which ends links too: what the proof ended is counted whole.
    const ended = firstProof ? await endWhatCameBeforeProof(tx, user.id, now) : undefined
    await tx.users.updateUserPassword(user.id, passwordHash, now)
    if (user.email_verified_at === null) await tx.users.updateUserEmailVerified(user.id, now)
    const revoked = (await tx.sessions.updateSessionsRevokedByUserId(user.id, 'password_reset', now)) + (ended?.sessions ?? 0)
    await tx.userTokens.updateUserTokensSuperseded(user.id, ['password_reset'], now)
    await tx.throttles.deleteThrottle(loginLockoutKey(user.email))
    const detail = { revoked_sessions: revoked, ip: input.ip, ...(ended ? { ended_at_first_proof: endedDetail(ended) } : {}) }
    await tx.audit.insertAuditEvent({ type: 'password.reset', userId: user.id, detail, emits: event('password.reset', { user_id: user.id, revoked_sessions: revoked }), actor: `user:${user.id}` }, now)
    if (revoked > 0) await tx.audit.insertAuditEvent(sessionsEnded(user.id, 'reset', revoked), now)
    if (ended) await recordEndedAtFirstProof(tx, user.id, ended, now, { sessions: false })
    await queueNotice(ctx, tx, { user, kind: 'password_changed', recipient: user.email, now })
    return { revokedSessions: revoked, ended }
  })
  await ctx.invalidate({ kind: 'user', id: user.id })
  ctx.mail.nudge()
  return { userId: user.id, revokedSessions, ...(ended ? { endedAtFirstProof: ended } : {}) }
}

/** Whether a reset link still works, without spending it: the reset page asks before showing its form. */
export async function checkResetToken(ctx: Context, token: string): Promise<{ email: string }> {
  const { user } = await findLiveUserToken(ctx, token, ['password_reset'])
  return { email: user.email }
}
