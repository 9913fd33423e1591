import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { Context } from '../../context.js'
import { parseAmr } from '../../domain/amr.js'
import { challengeHash } from '../../infra/mfa/challenge-token.js'
import type { SessionTokens } from './session-tokens.js'

/** Who is signed in on the account page. */
export interface AccountSession {
  sessionId: string
  userId: string
  email: string
  amr: string[]
  /**
   * When the user authenticated in this session (epoch ms): the session opens at the sign-in and is
   * never re-authenticated, so its created_at. OpenID Connect's auth_time.
   */
  authenticatedAt: number
  /** The language the user chose for pages and mails; null: the browser's (issue 27). */
  language: string | null
}

const COOKIE_VALUE = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{43})$/

/**
 * Makes a session just opened by a login (password, second factor or passkey) the account page's:
 * answers the cookie value "<session id>.<256-bit secret>"; only the secret's SHA-256 is stored.
 * The page uses the session's own state, so whatever ends the session (logout-all, a revocation,
 * user:disable, a password change elsewhere) ends the page at once. `device` (the browser's User-Agent
 * and address) is kept so that the account page can tell the person's sessions apart.
 */
export async function openAccountSession(ctx: Context, tokens: SessionTokens, device: { userAgent?: string; ip?: string } = {}): Promise<string> {
  const secret = randomBytes(32).toString('base64url')
  await ctx.sessions.updateSessionPageSecret(tokens.sessionId, challengeHash(secret), device)
  return `${tokens.sessionId}.${secret}`
}

/** The live account session a cookie names, or undefined (malformed, unknown, revoked, expired, user disabled). */
export async function findAccountSession(ctx: Context, cookie: string | undefined): Promise<AccountSession | undefined> {
  const match = COOKIE_VALUE.exec(cookie ?? '')
  if (!match) return undefined
  const [, sessionId, secret] = match
  // The primary, not the cached read model: a page request is rare, and must see a revocation at once.
  const session = await ctx.sessions.findSessionWithUserById(sessionId)
  if (!session?.page_secret_hash) return undefined
  const expected = Buffer.from(session.page_secret_hash)
  const given = Buffer.from(challengeHash(secret))
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined
  if (session.revoked_at !== null || Number(session.expires_at) <= ctx.clock.now() || session.user_disabled) return undefined
  return { sessionId, userId: session.user_id, email: session.email, amr: parseAmr(session.amr), authenticatedAt: Number(session.created_at), language: session.language ?? null }
}
