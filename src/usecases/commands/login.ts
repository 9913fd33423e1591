import { randomUUID } from 'node:crypto'
import type { Context } from '../../context.js'
import { normalizeEmail } from '../../domain/email.js'
import { mergePermissions } from '../../domain/permissions.js'
import { HeimdallError } from '../../errors.js'

export interface LoginInput {
  email: string
  password: string
  ip?: string
}

export interface LoginResult {
  accessToken: string
  tokenType: 'bearer'
  expiresIn: number
  sessionId: string
  userId: string
}

/** Checks the password, opens a session and issues an access token bound to it. */
export async function login(ctx: Context, input: LoginInput): Promise<LoginResult> {
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
  const expiresAt = now + ctx.config.accessTokenTtlSeconds * 1000
  await ctx.sessions.insertSession({ id: sessionId, user_id: user.id, created_at: now, expires_at: expiresAt })
  const permissions = mergePermissions(await ctx.roles.findPermissionNamesByUserId(user.id))
  const issued = ctx.tokens.sign({ sub: user.id, sid: sessionId, email: user.email, permissions })
  await ctx.audit.insertAuditEvent({ type: 'login.succeeded', userId: user.id, sessionId, detail: { ip: input.ip } })
  return { accessToken: issued.token, tokenType: 'bearer', expiresIn: issued.expiresIn, sessionId, userId: user.id }
}
