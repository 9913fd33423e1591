import type { Context } from '../../context.js'
import { event } from '../../domain/events.js'
import { parseAmr } from '../../domain/amr.js'
import { HeimdallError } from '../../errors.js'
import type { AccountSession } from './account-session.js'

export interface OwnSession {
  id: string
  current: boolean
  /** Epoch milliseconds. */
  createdAt: number
  amr: string[]
  /** The browser's User-Agent and the client's address at sign-in, when the session was opened on the hosted pages. */
  userAgent: string | null
  ip: string | null
}

/** The signed-in user's live sessions, newest first, the current one marked. */
export async function listOwnSessions(ctx: Context, account: AccountSession): Promise<OwnSession[]> {
  const now = ctx.clock.now()
  const rows = await ctx.sessions.findSessionsByUserId(account.userId)
  return rows
    .filter((row) => row.revoked_at === null && Number(row.expires_at) > now)
    .map((row) => ({ id: row.id, current: row.id === account.sessionId, createdAt: Number(row.created_at), amr: parseAmr(row.amr), userAgent: row.user_agent ?? null, ip: row.ip_address ?? null }))
}

/** Ends one of the user's own sessions (session.not_found for anyone else's, or one already ended). */
export async function revokeOwnSession(ctx: Context, account: AccountSession, sessionId: string): Promise<void> {
  const session = await ctx.sessions.findSessionWithUserById(sessionId)
  if (!session || session.user_id !== account.userId) throw new HeimdallError('session.not_found', 'No such session')
  const now = ctx.clock.now()
  const revoked = await ctx.transaction(async (tx) => {
    if (!(await tx.sessions.updateSessionRevokedById(sessionId, 'revoked_by_user', now))) return false
    const emits = event('session.revoked', { user_id: account.userId, session_id: sessionId, reason: 'logout', count: 1 })
    await tx.audit.insertAuditEvent({ type: 'session.revoked', userId: account.userId, sessionId, detail: { reason: 'revoked_by_user', by_session: account.sessionId }, emits, actor: `user:${account.userId}` }, now)
    return true
  })
  if (!revoked) throw new HeimdallError('session.not_found', 'No such session')
  await ctx.invalidate({ kind: 'session', id: sessionId })
}

/** Ends every session of the user but the current one; answers how many. */
export async function revokeOtherSessions(ctx: Context, account: AccountSession): Promise<number> {
  const now = ctx.clock.now()
  const revoked = await ctx.transaction(async (tx) => {
    const count = await tx.sessions.updateSessionsRevokedByUserIdExcept(account.userId, account.sessionId, 'revoked_by_user', now)
    const emits = event('session.revoked', { user_id: account.userId, session_id: null, reason: 'logout-all', count })
    await tx.audit.insertAuditEvent({ type: 'logout.others', userId: account.userId, sessionId: account.sessionId, detail: { revoked: count }, emits, actor: `user:${account.userId}` }, now)
    return count
  })
  await ctx.invalidate({ kind: 'user', id: account.userId })
  return revoked
}
