import type { Context } from '../../context.js'
import { findUserByEmailOrFail } from '../find-user.js'

export interface SessionSummary {
  id: string
  state: 'active' | 'revoked' | 'expired'
  created_at: string
  expires_at: string
  revoked_at: string | null
  revoked_reason: string | null
}

export async function listSessions(ctx: Context, input: { email: string }): Promise<SessionSummary[]> {
  const user = await findUserByEmailOrFail(ctx, input.email)
  const now = Date.now()
  return (await ctx.readers.sessions.findSessionsByUserId(user.id)).map((session) => ({
    id: session.id,
    state: session.revoked_at !== null ? 'revoked' : Number(session.expires_at) <= now ? 'expired' : 'active',
    created_at: iso(session.created_at),
    expires_at: iso(session.expires_at),
    revoked_at: session.revoked_at === null ? null : iso(session.revoked_at),
    revoked_reason: session.revoked_reason,
  }))
}

function iso(epochMs: number | string): string {
  return new Date(Number(epochMs)).toISOString()
}
