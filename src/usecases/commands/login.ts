import { randomUUID } from 'node:crypto'
import type { Context } from '../../context.js'
import { normalizeEmail } from '../../domain/email.js'
import { HeimdallError } from '../../errors.js'
import { issueSessionTokens, newRefreshToken, type SessionTokens } from '../session-tokens.js'

export interface LoginInput {
  email: string
  password: string
  ip?: string
}

/** Checks the password, opens a session and issues an access token and a refresh token bound to it. */
export async function login(ctx: Context, input: LoginInput): Promise<SessionTokens> {
  const email = normalizeEmail(input.email)
  const user = await ctx.users.findUserByEmail(email)
  const passwordMatches = user
    ? await ctx.passwords.verify(input.password, user.password_hash)
    : await ctx.passwords.verifyDecoy(input.password)

  if (!user || !passwordMatches) {
    await ctx.audit.insertAuditEvent({ type: 'login.failed', userId: user?.id ?? null, detail: { reason: user ? 'wrong_password' : 'unknown_email', ip: input.ip } })
    throw new HeimdallError('auth.invalid_credentials', 'Incorrect email or password')
  }
  if (user.disabled) {
    await ctx.audit.insertAuditEvent({ type: 'login.failed', userId: user.id, detail: { reason: 'user_disabled', ip: input.ip } })
    throw new HeimdallError('auth.account_disabled', 'Account is disabled')
  }

  const now = Date.now()
  const sessionId = randomUUID()
  const refresh = newRefreshToken(ctx, now)
  await ctx.sessions.insertSessionWithRefreshToken({ id: sessionId, user_id: user.id, created_at: now, expires_at: refresh.row.expires_at }, refresh.row)
  await ctx.audit.insertAuditEvent({ type: 'login.succeeded', userId: user.id, sessionId, detail: { ip: input.ip } })
  return issueSessionTokens(ctx, user, sessionId, refresh.plain)
}
