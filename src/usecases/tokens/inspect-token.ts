import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { decodeUnverified } from '../../infra/tokens/token-service.js'
import { sessionProblem } from '../../domain/session-state.js'

export interface TokenInspection {
  header: Record<string, unknown>
  claims: Record<string, unknown>
  /** Epoch seconds of the exp claim (as in ValidToken), null without one. */
  expiresAt: number | null
  expired: boolean | null
  session: { id: string; state: 'active' | 'revoked' | 'expired' | 'user_disabled' | 'unknown' | 'absent' }
}

/** Shows what a token says without trusting it, and what the database says of its session. */
export async function inspectToken(ctx: Context, token: string): Promise<TokenInspection> {
  const decoded = decodeUnverified(token)
  if (!decoded) throw new HeimdallError('token.invalid', 'Not a JWT: it cannot be decoded')
  const { exp, sid, sub } = decoded.payload
  const expiresAt = typeof exp === 'number' ? exp : null
  const expired = typeof exp === 'number' ? exp * 1000 <= ctx.clock.now() : null
  if (typeof sid !== 'string') return { header: decoded.header, claims: decoded.payload, expiresAt, expired, session: { id: '', state: 'absent' } }

  const session = await ctx.sessionStates.readFresh(sid)
  const problem = sessionProblem(session, String(sub), ctx.clock.now())
  const state =
    !problem ? 'active'
    : problem.code === 'session.revoked' ? 'revoked'
    : problem.code === 'token.expired' ? 'expired'
    : problem.code === 'user.disabled' ? 'user_disabled'
    : 'unknown'
  return { header: decoded.header, claims: decoded.payload, expiresAt, expired, session: { id: sid, state } }
}
