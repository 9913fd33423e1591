import type { KoaContextWithOIDC } from 'oidc-provider'
import type { Context } from '../../context.js'
import { signInOf } from '../../infra/oidc/provider-internals.js'
import { findAccountSession } from '../../usecases/sessions/account-session.js'
import { endSessionOfLogin } from '../../usecases/oidc/end-session-of-login.js'
import { accountCookieOf, clearAccountCookie } from '../pages/account/cookie.js'

/**
 * Provider middleware (provider.use): once the provider has carried out a confirmed logout (its
 * end_session_confirm route with logout=yes answered its 303), the Heimdall session behind that
 * sign-in ends too and the account page's cookie is cleared (unless it is another account's). Without
 * this the provider forgets the user but the account session signs them in again, silently, at the
 * next authorization.
 */
export function endHeimdallSessionOnLogout(context: Context) {
  const secure = context.config.publicUrl.startsWith('https:')
  return async function endHeimdallSession(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
    await next()
    const oidc = ctx.oidc as { route?: string; params?: { logout?: unknown }; session?: { accountId?: string; loginTs?: number } } | undefined
    if (oidc?.route !== 'end_session_confirm' || ctx.status !== 303 || !oidc.params?.logout) return
    // The provider's session is destroyed by now, but the object still says whose sign-in it was.
    const signIn = signInOf(oidc.session)
    if (!signIn || !(await endSessionOfLogin(context, signIn))) return
    // Not another account's cookie: when one has just signed in here, the provider signs the earlier
    // one out first, and the browser goes on as the new one.
    const account = await findAccountSession(context, accountCookieOf(ctx as never))
    if (!account || account.userId === signIn.accountId) clearAccountCookie(ctx as never, secure)
  }
}
