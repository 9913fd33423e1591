import type { Context } from '../../context.js'
import type { SessionWithUserRow } from '../../infra/repositories/sessions.js'

/**
 * One session model: a sign-in through OpenID Connect opens a Heimdall session, and the provider's
 * sign-in (its Session, known by account and login time: its id and uid change on every resume) and
 * the grants made in it are tied to that session (oidc_payloads.session_id). Whatever ends the
 * Heimdall session (logout, logout-all, session:revoke, user:disable, a password reset, refresh-token
 * reuse) thereby ends them: the provider asks findAccount, which answers no account.
 */
const LOGIN_KIND = 'HeimdallLogin'

/** Records which Heimdall session a provider sign-in (account, login time in epoch seconds) opened. */
export async function linkLoginToSession(ctx: Context, input: { accountId: string; loginTs: number; sessionId: string; ttlSeconds: number }): Promise<void> {
  const row = {
    kind: LOGIN_KIND,
    id: `${input.accountId}.${input.loginTs}`,
    payload: '{}',
    session_id: input.sessionId,
    expires_at: Date.now() + input.ttlSeconds * 1000,
  }
  await ctx.db('oidc_payloads').insert(row).onConflict(['kind', 'id']).merge({ session_id: row.session_id, expires_at: row.expires_at })
}

/** The Heimdall session a provider sign-in opened, if it was recorded. */
export async function sessionOfLogin(ctx: Context, login: { accountId: string; loginTs: number }): Promise<string | undefined> {
  const row = await ctx.db('oidc_payloads').where({ kind: LOGIN_KIND, id: `${login.accountId}.${login.loginTs}` }).first('session_id')
  return row?.session_id ?? undefined
}

/** Ties a grant to the Heimdall session it was made in. */
export async function linkGrantToSession(ctx: Context, input: { grantId: string; sessionId: string }): Promise<void> {
  await ctx.db('oidc_payloads').where({ kind: 'Grant', id: input.grantId }).update({ session_id: input.sessionId })
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
 * revoked, not expired, its user not disabled. What has no Heimdall session (client credentials)
 * answers true.
 */
export async function isLinkedSessionLive(ctx: Context, where: { grantId?: string; login?: { accountId: string; loginTs: number } }): Promise<boolean> {
  return (await linkedSessionOf(ctx, where)).live
}

/** The Heimdall session behind a grant or a provider sign-in (undefined: none recorded), and whether it is live (see isLinkedSessionLive). */
export async function linkedSessionOf(ctx: Context, where: { grantId?: string; login?: { accountId: string; loginTs: number } }): Promise<{ sessionId?: string; live: boolean }> {
  let sessionId: string | undefined
  if (where.grantId) sessionId = await sessionOfGrant(ctx, where.grantId)
  else if (where.login) sessionId = await sessionOfLogin(ctx, where.login)
  if (!sessionId) return { live: true }
  return { sessionId, live: isSessionLive(await ctx.sessions.findSessionWithUserById(sessionId), Date.now()) }
}
