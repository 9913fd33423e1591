import type { Context } from '../../context.js'
import { HeimdallError } from '../../errors.js'
import { revokeSession } from '../sessions/revoke-session.js'
import { sessionOfLogin } from './session-link.js'

/**
 * Signing out at the provider (OpenID Connect RP-Initiated Logout 1.0, the user said yes) is signing
 * out of Heimdall: ends the Heimdall session a provider sign-in (account, login time in epoch seconds)
 * was tied to, and with it the account page's cookie and every grant made in that session (one
 * session model, see session-link.ts). Answers whether a live session ended; nothing happens when none
 * was recorded or it had ended already.
 */
export async function endSessionOfLogin(ctx: Context, login: { accountId: string; loginTs: number }): Promise<boolean> {
  const sessionId = await sessionOfLogin(ctx, login)
  if (!sessionId) return false
  try {
    await revokeSession(ctx, { sessionId, reason: 'logout' })
    return true
  } catch (error) {
    if (error instanceof HeimdallError && error.code === 'session.not_found') return false
    throw error
  }
}
