import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { retryOnLockConflict } from '../../infra/db/lock-conflict.js'
import { isUniqueViolation } from '../../infra/db/unique-violation.js'
import type { SessionWithUserRow } from '../../infra/repositories/sessions.js'

/**
 * One session model: a sign-in through OpenID Connect opens a Heimdall session, and the provider's
 * sign-in (its Session, known by account and login time: its id and uid change on every resume) and
 * the grants made in it are tied to that session (oidc_payloads.session_id). Whatever ends the
 * Heimdall session (logout, logout-all, session:revoke, user:disable, a password reset, refresh-token
 * reuse) thereby ends them: the provider asks findAccount, which answers no account.
 */
const LOGIN_KIND = 'HeimdallLogin'

/** How far back a sign-in's time may move to be its own (see linkLoginToSession): sign-ins of one account in one minute. */
const MAX_LOGIN_TS_STEPS = 60

/**
 * Records which Heimdall session a provider sign-in (account, login time in epoch seconds) opened, and
 * answers the login time to give the provider (its auth_time). The pair names the sign-in, so two
 * sign-ins of one account in the same second (two browsers, or a sign-out and a sign-in) must not
 * share it, or one would follow the other's session: a login time taken by another session moves a
 * second back, to one no other session of the account holds (auth_time a second early only makes
 * max_age stricter). Throws request.rate_limited when a minute back is all taken (sixty sessions of
 * one account signing in within a minute).
 */
export async function linkLoginToSession(ctx: Context, input: { accountId: string; loginTs: number; sessionId: string; ttlSeconds: number }): Promise<number> {
  for (let loginTs = input.loginTs; loginTs > input.loginTs - MAX_LOGIN_TS_STEPS; loginTs--) {
    const where = { kind: LOGIN_KIND, id: `${input.accountId}.${loginTs}` }
    // oidc_payloads expire on the system clock, as the provider's adapter and its sweep read it.
    const expiresAt = Date.now() + input.ttlSeconds * 1000
    const existing = await ctx.db('oidc_payloads').where(where).first('session_id')
    if (existing) {
      if (existing.session_id !== input.sessionId) continue
      await retryOnLockConflict(ctx.db, () => ctx.db('oidc_payloads').where(where).update({ expires_at: expiresAt }))
      return loginTs
    }
    try {
      await retryOnLockConflict(ctx.db, () => ctx.db('oidc_payloads').insert({ ...where, payload: '{}', session_id: input.sessionId, expires_at: expiresAt }))
      return loginTs
    } catch (error) {
      // Another sign-in took this second between the read and the insert: try the one before.
      if (!isUniqueViolation(error)) throw error
    }
  }
  throw new HeimdallError('request.rate_limited', 'Too many sign-ins to this account in the last minute: try again in a minute', undefined, MAX_LOGIN_TS_STEPS)
}

/** The Heimdall session a provider sign-in opened, if it was recorded. */
export async function sessionOfLogin(ctx: Context, login: { accountId: string; loginTs: number }): Promise<string | undefined> {
  const row = await ctx.db('oidc_payloads').where({ kind: LOGIN_KIND, id: `${login.accountId}.${login.loginTs}` }).first('session_id')
  return row?.session_id ?? undefined
}

/** Ties a grant to the Heimdall session it was made in. */
export async function linkGrantToSession(ctx: Context, input: { grantId: string; sessionId: string }): Promise<void> {
  await retryOnLockConflict(ctx.db, () => ctx.db('oidc_payloads').where({ kind: 'Grant', id: input.grantId }).update({ session_id: input.sessionId }))
}

/** The Heimdall session a grant was made in, if it was linked. */
export async function sessionOfGrant(ctx: Context, grantId: string): Promise<string | undefined> {
  const row = await ctx.db('oidc_payloads').where({ kind: 'Grant', id: grantId }).first('session_id')
  return row?.session_id ?? undefined
}

/** A session (with its user) that stands now: not revoked, not expired, its user not disabled. */
export function isSessionLive(session: SessionWithUserRow | undefined, now: number): session is SessionWithUserRow {
  return session !== undefined && session.revoked_at === null && Number(session.expires_at) > now && !session.user_disabled
}

/**
 * Whether the Heimdall session behind a grant, or behind a provider sign-in, is still live: not
 * revoked, not expired, its user not disabled. A grant with no Heimdall session (client credentials)
 * answers true; a provider sign-in with none recorded answers false: every sign-in is linked at the
 * interaction, and the provider keeps renewing its own sign-in past the link's expiry, so a sign-in
 * whose link is gone would otherwise outlive its Heimdall session's revocation.
 */
export async function isLinkedSessionLive(ctx: Context, where: { grantId?: string; login?: { accountId: string; loginTs: number } }): Promise<boolean> {
  return (await linkedSessionOf(ctx, where)).live
}

/** The Heimdall session behind a grant or a provider sign-in (undefined: none recorded), and whether it is live (see isLinkedSessionLive). */
export async function linkedSessionOf(ctx: Context, where: { grantId?: string; login?: { accountId: string; loginTs: number } }): Promise<{ sessionId?: string; live: boolean }> {
  let sessionId: string | undefined
  if (where.grantId) sessionId = await sessionOfGrant(ctx, where.grantId)
  else if (where.login) sessionId = await sessionOfLogin(ctx, where.login)
  if (!sessionId) return { live: where.grantId !== undefined }
  return { sessionId, live: isSessionLive(await ctx.sessions.findSessionWithUserById(sessionId), ctx.clock.now()) }
}
