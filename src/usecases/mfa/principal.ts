import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { challengeHash, ENROLLMENT_TOKEN_PREFIX } from '../../infra/mfa/challenge-token.js'
import { getCurrentUser } from '../users/get-current-user.js'

/** Who calls an MFA endpoint: a user with a live session, or one holding an enrolment-only token. */
export interface Principal {
  userId: string
  email: string
  /** Null for an enrolment-only token. */
  sessionId: string | null
}

/**
 * For the enrolment endpoints (TOTP setup and confirm, passkey registration): an access token, or the
 * enrolment-only token a login answered with 403 mfa_enrollment_required. Throws auth.missing_token or
 * token.invalid / token.expired / session.revoked / user.disabled like /auth/me.
 */
export async function authenticateForEnrolment(ctx: Context, bearer: string | undefined): Promise<Principal> {
  if (bearer?.startsWith(ENROLLMENT_TOKEN_PREFIX)) {
    const challenge = await ctx.mfa.findLiveChallenge(challengeHash(bearer), 'mfa_enrollment', ctx.clock.now())
    const user = challenge?.user_id ? await ctx.users.findUserById(challenge.user_id) : undefined
    if (!user) throw new HeimdallError('token.invalid', 'The enrolment token is invalid or has expired: log in again')
    if (user.disabled) throw new HeimdallError('user.disabled', 'User is disabled')
    return { userId: user.id, email: user.email, sessionId: null }
  }
  return authenticate(ctx, bearer)
}

/** For every other MFA endpoint: a live session's access token only. */
export async function authenticate(ctx: Context, bearer: string | undefined): Promise<Principal> {
  const current = await getCurrentUser(ctx, bearer)
  return { userId: current.userId, email: current.email, sessionId: current.sessionId }
}
