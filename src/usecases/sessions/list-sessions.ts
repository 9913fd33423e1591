import type { Context } from '../../context.js'
import { findUserByEmailOrFail } from '../users/find-user.js'

export interface SessionSummary {
  id: string
  state: 'active' | 'revoked' | 'expired'
  /** Epoch ms, like expiresAt and revokedAt. */
  createdAt: number
  expiresAt: number
  revokedAt: number | null
  revokedReason: string | null
}

export async function listSessions(ctx: Context, input: { email: string }): Promise<SessionSummary[]> {
  const user = await findUserByEmailOrFail(ctx, input.email)
  const now = ctx.clock.now()
  return (await ctx.readers.sessions.findSessionsByUserId(user.id)).map((session) => ({
    id: session.id,
    state: session.revoked_at !== null ? 'revoked' : Number(session.expires_at) <= now ? 'expired' : 'active',
    createdAt: Number(session.created_at),
    expiresAt: Number(session.expires_at),
    revokedAt: session.revoked_at === null ? null : Number(session.revoked_at),
    revokedReason: session.revoked_reason,
  }))
}
